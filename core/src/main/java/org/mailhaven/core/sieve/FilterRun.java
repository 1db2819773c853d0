package org.mailhaven.core.sieve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import org.apache.james.core.MailAddress;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.InternetAddressException;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.Action;
import org.apache.jsieve.mail.ActionKeep;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.mail.SieveMailException;
import org.apache.mailet.Mail;

/**
 * One recipient's pass through the Sieve scripts (global ones and their own): the message as the
 * scripts see it, and everything they decided.
 *
 * <p>All scripts of the sequence share one list of actions and one implicit keep, as if they
 * were one script: an action that cancels the implicit keep in any of them cancels it for the
 * message. {@code stop} ends the whole sequence. Variables and the imap4flags internal flags
 * belong to one script and start empty in the next.
 */
public final class FilterRun implements MailAdapter {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+)}");

    private final Mail mail;
    private final MailAddress recipient;
    private final MailAddress envelopeTo;
    private final String subaddressSeparator;
    private final Predicate<String> folderExists;
    private final List<Action> actions = new ArrayList<>();
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final Set<String> flags = new LinkedHashSet<>();
    private boolean implicitKeep = true;
    private boolean keptImplicitly;
    private boolean stopped;
    private boolean variablesEnabled;

    /**
     * @param recipient    the local user whose scripts run
     * @param envelopeTo   the address the message was received for (may carry a +detail)
     * @param folderExists whether the user has a mailbox of that name (mailbox extension)
     */
    public FilterRun(Mail mail, MailAddress recipient, MailAddress envelopeTo, String subaddressSeparator,
                     Predicate<String> folderExists) {
        this.mail = mail;
        this.recipient = recipient;
        this.envelopeTo = envelopeTo;
        this.subaddressSeparator = subaddressSeparator;
        this.folderExists = folderExists;
    }

    // ---- sequence of scripts --------------------------------------------------------------

    void startScript() {
        variables.clear();
        variablesEnabled = false;
        flags.clear();
        keptImplicitly = false;
    }

    /** jSieve adds a plain {@link ActionKeep} at the end of a script that kept implicitly. */
    void endScript() {
        implicitKeep = implicitKeep && keptImplicitly;
    }

    boolean isStopped() {
        return stopped;
    }

    public void stop() {
        stopped = true;
    }

    /** The outcome of the whole sequence. */
    public Outcome outcome() throws SieveException {
        return Outcome.of(actions, implicitKeep, flags);
    }

    // ---- state the extensions use ---------------------------------------------------------

    public MailAddress recipient() {
        return recipient;
    }

    public Mail mail() {
        return mail;
    }

    public MailAddress envelopeTo() {
        return envelopeTo;
    }

    public Optional<MailAddress> envelopeFrom() {
        return mail.getMaybeSender().asOptional();
    }

    public String subaddressSeparator() {
        return subaddressSeparator;
    }

    public boolean folderExists(String folder) {
        return folderExists.test(folder);
    }

    public Set<String> flags() {
        return flags;
    }

    public void enableVariables() {
        variablesEnabled = true;
    }

    public void setVariable(String name, String value) {
        variables.put(name.toLowerCase(Locale.ROOT), value);
    }

    public String variable(String name) {
        return variables.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }

    /** Expands {@code ${name}} references (RFC 5229) once the script required "variables". */
    public String expand(String text) {
        if (!variablesEnabled || !text.contains("${")) {
            return text;
        }
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            // Match variables (${1}) are not supported: they expand to nothing, as unset ones do.
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(variable(matcher.group(1))));
        }
        matcher.appendTail(expanded);
        return expanded.toString();
    }

    public List<String> expand(List<String> texts) {
        List<String> expanded = new ArrayList<>(texts.size());
        texts.forEach(text -> expanded.add(expand(text)));
        return expanded;
    }

    // ---- MailAdapter ---------------------------------------------------------------------------

    @Override
    public void setContext(SieveContext context) {
        // Nothing to keep: the commands receive the context themselves.
    }

    @Override
    public List<Action> getActions() {
        return Collections.unmodifiableList(actions);
    }

    @Override
    public void addAction(Action action) {
        if (action.getClass() == ActionKeep.class) {
            keptImplicitly = true;
        } else {
            actions.add(action);
        }
    }

    @Override
    public void executeActions() {
        // Actions are carried out once the whole sequence of scripts has run (see outcome()).
    }

    private MimeMessage message() throws SieveMailException {
        try {
            return mail.getMessage();
        } catch (MessagingException e) {
            throw new SieveMailException(e);
        }
    }

    @Override
    public List<String> getHeader(String name) throws SieveMailException {
        try {
            String[] values = message().getHeader(name);
            return values == null ? List.of() : List.of(values);
        } catch (MessagingException e) {
            throw new SieveMailException(e);
        }
    }

    /** Header values unfolded and with RFC 2047 encoded words decoded, as tests compare them. */
    @Override
    public List<String> getMatchingHeader(String name) throws SieveMailException {
        List<String> decoded = new ArrayList<>();
        for (String value : getHeader(name)) {
            String unfolded = MimeUtility.unfold(value).strip();
            try {
                decoded.add(MimeUtility.decodeText(unfolded));
            } catch (UnsupportedEncodingException e) {
                decoded.add(unfolded);
            }
        }
        return decoded;
    }

    @Override
    public List<String> getHeaderNames() throws SieveMailException {
        try {
            Set<String> names = new LinkedHashSet<>();
            Enumeration<Header> headers = message().getAllHeaders();
            while (headers.hasMoreElements()) {
                names.add(headers.nextElement().getName());
            }
            return new ArrayList<>(names);
        } catch (MessagingException e) {
            throw new SieveMailException(e);
        }
    }

    @Override
    public int getSize() throws SieveMailException {
        try {
            return (int) Math.min(Integer.MAX_VALUE, mail.getMessageSize());
        } catch (MessagingException e) {
            throw new SieveMailException(e);
        }
    }

    @Override
    public String getContentType() throws SieveMailException {
        try {
            return message().getContentType();
        } catch (MessagingException e) {
            throw new SieveMailException(e);
        }
    }

    @Override
    public Address[] parseAddresses(String headerName) throws SieveMailException, InternetAddressException {
        List<Address> result = new ArrayList<>();
        for (String value : getHeader(headerName)) {
            try {
                for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                    String text = address.getAddress();
                    if (text == null) {
                        continue;
                    }
                    int at = text.lastIndexOf('@');
                    String localPart = at < 0 ? text : text.substring(0, at);
                    String domain = at < 0 ? "" : text.substring(at + 1);
                    result.add(new Address() {
                        @Override
                        public String getLocalPart() {
                            return localPart;
                        }

                        @Override
                        public String getDomain() {
                            return domain;
                        }
                    });
                }
            } catch (AddressException e) {
                // An unparsable header yields no addresses rather than failing the whole script.
            }
        }
        return result.toArray(Address[]::new);
    }

    @Override
    public boolean isInBodyText(List<String> phrases) throws SieveMailException {
        return containsAny(bodyTexts(List.of("text")), phrases);
    }

    @Override
    public boolean isInBodyRaw(List<String> phrases) throws SieveMailException {
        return containsAny(List.of(rawBody()), phrases);
    }

    @Override
    public boolean isInBodyContent(List<String> contentTypes, List<String> phrases) throws SieveMailException {
        return containsAny(bodyTexts(contentTypes), phrases);
    }

    private static boolean containsAny(List<String> texts, List<String> phrases) {
        for (String text : texts) {
            String lower = text.toLowerCase(Locale.ROOT);
            for (String phrase : phrases) {
                if (lower.contains(phrase.toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The message body as transmitted (after the header), for {@code body :raw}. */
    public String rawBody() throws SieveMailException {
        try (InputStream in = message().getRawInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException | MessagingException e) {
            throw new SieveMailException(e);
        }
    }

    /**
     * Decoded text of every MIME part whose type matches one of {@code contentTypes} ("text"
     * matches every text/ subtype, "" every part), for {@code body :text} and {@code :content}.
     */
    public List<String> bodyTexts(List<String> contentTypes) throws SieveMailException {
        List<String> texts = new ArrayList<>();
        try {
            collect(message(), contentTypes, texts);
        } catch (IOException | MessagingException e) {
            throw new SieveMailException(e);
        }
        return texts;
    }

    private static void collect(Part part, List<String> contentTypes, List<String> texts)
            throws IOException, MessagingException {
        Object content = part.getContent();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), contentTypes, texts);
            }
        } else if (content instanceof String text && matchesType(part, contentTypes)) {
            texts.add(text);
        }
    }

    private static boolean matchesType(Part part, List<String> contentTypes) throws MessagingException {
        String type = part.getContentType().toLowerCase(Locale.ROOT);
        for (String wanted : contentTypes) {
            String lower = wanted.toLowerCase(Locale.ROOT);
            if (lower.isEmpty() || type.startsWith(lower.contains("/") ? lower : lower + "/")) {
                return true;
            }
        }
        return false;
    }
}
