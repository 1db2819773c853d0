# Global Sieve rules run BEFORE each user's own filter, for every local recipient.
#
# Actions here add to the user's: a "fileinto" here and another in the user's script give
# two copies. "stop" here ends filtering: the user's script and the after-rules do not run.
# Keep this for rules users must not be able to override, for example:
#
#   require ["fileinto", "mailbox"];
#   if header :contains "X-Virus-Status" "infected" { fileinto :create "Quarantine"; stop; }
#
# Supported language: docs/sieve.md. Changes take effect at the next bin/james restart;
# an error stops the start with this file's name, line and column.
