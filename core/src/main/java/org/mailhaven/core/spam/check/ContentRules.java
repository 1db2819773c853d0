package org.mailhaven.core.spam.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import org.mailhaven.core.config.ParameterSpec;
import org.mailhaven.core.config.Parameters;
import org.mailhaven.core.spam.BodyText;
import org.mailhaven.core.spam.CheckContext;
import org.mailhaven.core.spam.CheckResult;
import org.mailhaven.core.spam.Evidence;
import org.mailhaven.core.spam.Hit;
import org.mailhaven.core.spam.MessageBytes;
import org.mailhaven.core.spam.SpamCheck;
import org.mailhaven.core.spam.SpamCheckType;

/**
 * Regular-expression rules on headers and on the decoded text of the message, each with its own
 * score, plus GTUBE: a message containing the GTUBE test string always scores 1000, so anyone can
 * check that spam filtering works end to end.
 *
 * <p>Parameter {@code rules}: one rule per line, {@code NAME SCORE WHERE /REGEX/[i]}, where WHERE
 * is {@code subject}, {@code body} (the decoded text of every text part, after transfer and
 * charset decoding) or {@code header:Name} (every value of that header, decoded). {@code i} makes
 * the expression case-insensitive. The expression is searched for (Java syntax), not matched
 * against the whole text. A rule that does not parse stops the start-up with its line.
 *
 * <pre>{@code
 * <check class="ContentRules">
 *     <rules>
 *         SUBJECT_ALL_CAPS_MONEY 2.5 subject /^[A-Z0-9 $!]*(MONEY|CASH|PRIZE)[A-Z0-9 $!]*$/
 *         CRYPTO_INVEST 3 body /guaranteed\s+(returns|profit)/i
 *         BULK_MAILER 1 header:X-Mailer /mass ?mailer/i
 *     </rules>
 * </check>
 * }</pre>
 */
public final class ContentRules implements SpamCheckType {
    /** Every parameter this check takes, with its default. */
    public static final ParameterSpec PARAMETERS = ParameterSpec.none()
        .with("rules", "");

    static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    private static final Pattern RULE = Pattern.compile("(\\w+)\\s+(-?[0-9.]+)\\s+(subject|body|header:[\\w-]+)\\s+/(.*)/(i?)");
    /** Bodies are searched up to this much decoded text, so a huge message cannot stall the check. */
    private static final int TEXT_LIMIT = 2 * 1024 * 1024;

    record Rule(String name, double score, String where, Pattern pattern) {
    }

    @Override
    public SpamCheck create(Parameters params, CheckContext context) throws MessagingException {
        List<Rule> rules = new ArrayList<>();
        String[] lines = params.text("rules").split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher rule = RULE.matcher(line);
            if (!rule.matches()) {
                throw new MessagingException(context.name() + ": parameter rules, line " + (i + 1) + ": \"" + line
                    + "\" is not NAME SCORE subject|body|header:Name /REGEX/[i]");
            }
            try {
                int flags = rule.group(5).isEmpty() ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
                rules.add(new Rule(rule.group(1), Double.parseDouble(rule.group(2)), rule.group(3).toLowerCase(Locale.ROOT),
                    Pattern.compile(rule.group(4), flags)));
            } catch (PatternSyntaxException | NumberFormatException e) {
                throw new MessagingException(context.name() + ": parameter rules, line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Check(rules);
    }

    record Check(List<Rule> rules) implements SpamCheck {
        @Override
        public String name() {
            return "content";
        }

        @Override
        public CheckResult run(Evidence evidence) throws IOException {
            if (evidence.message().isEmpty()) {
                return CheckResult.NOTHING;
            }
            MimeMessage message = evidence.message().get();
            try {
                String text;
                try (InputStream bytes = MessageBytes.stream(message)) {
                    text = BodyText.of(bytes, TEXT_LIMIT);
                }
                List<Hit> hits = new ArrayList<>();
                if (text.contains(GTUBE)) {
                    hits.add(new Hit("GTUBE", 1000, "the message contains the GTUBE spam test string"));
                }
                for (Rule rule : rules) {
                    for (String value : values(rule.where(), message, text)) {
                        if (rule.pattern().matcher(value).find()) {
                            hits.add(new Hit(rule.name(), rule.score(), "content rule " + rule.name() + " matches the " + rule.where()));
                            break;
                        }
                    }
                }
                return CheckResult.of(hits);
            } catch (MessagingException e) {
                throw new IOException("Cannot read the message: " + e.getMessage(), e);
            }
        }

        private static List<String> values(String where, MimeMessage message, CharSequence body) throws MessagingException {
            if (where.equals("body")) {
                return List.of(body.toString());
            }
            String header = where.equals("subject") ? "Subject" : where.substring("header:".length());
            String[] raw = message.getHeader(header);
            List<String> values = new ArrayList<>();
            for (String value : raw == null ? new String[0] : raw) {
                try {
                    values.add(MimeUtility.decodeText(MimeUtility.unfold(value)));
                } catch (UnsupportedEncodingException e) {
                    values.add(value);
                }
            }
            return values;
        }
    }
}
