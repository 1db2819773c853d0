package org.mailhaven.matchers;

import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.mailhaven.core.spam.SpamReport;

/**
 * Matches mail whose spam score, as the spam checks found it so far, is at least the number given:
 * {@code match="org.mailhaven.matchers.SpamScoreAtLeast=5"}. The SMTP server scores mail from
 * the internet before accepting it, so this works anywhere in the pipeline (for instance to keep
 * spam out of the archive); mail that was not scored never matches.
 */
public class SpamScoreAtLeast extends GenericMatcher {
    private double threshold;

    @Override
    public void init() throws MessagingException {
        try {
            threshold = Double.parseDouble(getCondition().strip());
        } catch (NullPointerException | NumberFormatException e) {
            throw new MessagingException("SpamScoreAtLeast needs a score, e.g. SpamScoreAtLeast=5, not '" + getCondition() + "'");
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return SpamReport.of(mail).filter(report -> report.score() >= threshold)
            .map(report -> (Collection<MailAddress>) mail.getRecipients()).orElse(List.of());
    }
}
