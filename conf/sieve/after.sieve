# Global Sieve rules run AFTER each user's own filter, unless the user's script executed
# "stop". That makes them defaults a user can override: a user rule that files a message
# and stops (Roundcube's "Stop evaluating rules") takes precedence over these.
#
# Supported language: docs/sieve.md. Changes take effect at the next bin/james restart;
# an error stops the start with this file's name, line and column.

require ["fileinto", "mailbox"];

# Mail the spam checks flagged as spam goes to the Junk folder.
if header :is "X-Spam-Flag" "YES" {
    fileinto :create "Junk";
}
