package org.mailhaven.imap;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The two threading algorithms of RFC 5256 (IMAP SORT and THREAD extensions), section 4:
 * ORDEREDSUBJECT and REFERENCES, with the base subject of section 2.1 they both group by.
 * The result is the {@code thread-list} text of section 4 that follows {@code * THREAD }.
 *
 * <p>The class does no I/O and no MIME parsing: the caller hands over one {@link Message} per
 * searched message with its headers already extracted, namely
 * <ul>
 *   <li>the number to print (sequence number or UID, both ascend in mailbox order, which is the
 *       tie-break the RFC asks for);</li>
 *   <li>the Message-ID, the References msg-ids in field order, and the raw In-Reply-To;</li>
 *   <li>the Subject with its RFC 2047 encoded-words already decoded (section 2.1 step 1);</li>
 *   <li>the sent date of section 2.2: the Date header, or the INTERNALDATE when it is missing or
 *       unparsable.</li>
 * </ul>
 *
 * <p>Subjects are compared by a lower-cased key ({@link Locale#ROOT}), not by the i;unicode-casemap
 * collation the RFC's comparator would use for non-ASCII text.
 */
final class Threads {

    /**
     * One message as the algorithms need it.
     *
     * @param id         the number to print: sequence number or UID
     * @param messageId  the Message-ID field value, {@code "<a@b>"}, or null
     * @param references the msg-ids of the References field in order, each with its angle brackets;
     *                   null means none
     * @param inReplyTo  the raw In-Reply-To field value, or null; its first msg-id is used
     * @param subject    the decoded Subject, or null
     * @param sent       the sent date of RFC 5256 section 2.2; never null
     */
    record Message(long id, String messageId, List<String> references, String inReplyTo, String subject,
                   Instant sent) {
        Message {
            references = references == null ? List.of()
                : references.stream().filter(Objects::nonNull).toList();
            Objects.requireNonNull(sent, "sent");
        }
    }

    /**
     * A base subject (section 2.1) and whether extracting it removed a reply or forward indicator
     * ({@code Re:}, {@code Fw:}, {@code Fwd:}, a trailing {@code (fwd)} or a {@code [fwd: ...]}
     * wrapper), which REFERENCES step 5 needs.
     */
    record BaseSubject(String text, boolean replyOrForward) {
    }

    /** Sent date first, then mailbox order, as sections 2.2 and 4 ask for every sort. */
    private static final Comparator<Message> BY_SENT =
        Comparator.comparing(Message::sent).thenComparingLong(Message::id);

    private static final Comparator<Node> NODES_BY_SENT =
        Comparator.comparing(Node::dateMessage, BY_SENT);

    private Threads() {
    }

    // ---------------------------------------------------------------- ORDEREDSUBJECT

    /**
     * ORDEREDSUBJECT: one thread per base subject, its messages by sent date; the first is the
     * parent of all others, and the threads are ordered by the sent date of their first message.
     */
    static String orderedSubject(List<Message> messages) {
        Map<String, List<Message>> bySubject = new LinkedHashMap<>();
        for (Message message : messages) {
            bySubject.computeIfAbsent(baseSubject(message.subject()), k -> new ArrayList<>()).add(message);
        }
        List<Node> roots = new ArrayList<>();
        for (List<Message> thread : bySubject.values()) {
            thread.sort(BY_SENT);
            roots.add(flatThread(thread));
        }
        roots.sort(NODES_BY_SENT);
        return render(roots);
    }

    /** The first message with every later one as its child: ORDEREDSUBJECT has no grandchildren. */
    private static Node flatThread(List<Message> sorted) {
        Node parent = new Node(sorted.get(0));
        for (Message child : sorted.subList(1, sorted.size())) {
            parent.children.add(new Node(child));
        }
        return parent;
    }

    // ---------------------------------------------------------------- REFERENCES

    /** REFERENCES, section 4 steps 1 to 6. */
    static String references(List<Message> messages) {
        List<Node> containers = linkByReferences(messages);
        List<Node> roots = new ArrayList<>();
        for (Node container : containers) {
            if (container.parent == null) {
                roots.add(container); // step 2: the root set
            }
        }
        roots = prune(roots);
        sortRootSet(roots);
        roots = groupBySubject(roots);
        sortTree(roots);
        return render(roots);
    }

    /**
     * Step 1: one container per message-id, linked parent to child along each message's
     * references. Messages are taken in mailbox order so that, of several sharing a Message-ID,
     * the first keeps it (step 1.A). Returns every container made, dummies included.
     */
    private static List<Node> linkByReferences(List<Message> messages) {
        List<Message> inMailboxOrder = new ArrayList<>(messages);
        inMailboxOrder.sort(Comparator.comparingLong(Message::id));
        Containers containers = new Containers();
        for (Message message : inMailboxOrder) {
            Node own = containers.claim(message);
            List<String> references = referenceIds(message);
            linkChain(containers, references);
            Node parent = references.isEmpty() ? null : containers.get(references.get(references.size() - 1));
            reparent(own, parent);
        }
        return containers.all;
    }

    /**
     * The References msg-ids that are valid, or else the first msg-id of In-Reply-To as the only
     * reference, or else none.
     */
    private static List<String> referenceIds(Message message) {
        List<String> ids = new ArrayList<>();
        for (String reference : message.references()) {
            String id = firstMsgId(reference);
            if (id != null) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            String inReplyTo = firstMsgId(message.inReplyTo());
            if (inReplyTo != null) {
                ids.add(inReplyTo);
            }
        }
        return ids;
    }

    /**
     * Step 1.A: each reference becomes the parent of the next, unless the next already has a
     * parent (an earlier message said where it belongs) or the link would close a loop.
     */
    private static void linkChain(Containers containers, List<String> references) {
        for (int i = 0; i + 1 < references.size(); i++) {
            Node parent = containers.get(references.get(i));
            Node child = containers.get(references.get(i + 1));
            if (child.parent == null && !isAncestorOrSelf(child, parent)) {
                attach(parent, child);
            }
        }
    }

    /**
     * Step 1.B: the message's own parent is its last reference. An existing parent is dropped
     * first, since it most likely came from someone's truncated References, and the new link is
     * still refused if it would close a loop, which leaves the message a root.
     */
    private static void reparent(Node node, Node parent) {
        if (node.parent == parent) {
            return;
        }
        if (node.parent != null) {
            node.parent.children.remove(node);
            node.parent = null;
        }
        if (parent != null && !isAncestorOrSelf(node, parent)) {
            attach(parent, node);
        }
    }

    /**
     * Whether {@code candidate} is {@code node} or above it, so that linking it under node would
     * loop. A candidate without children is above nothing; the shortcut spares the climb for the
     * usual message that arrives after its parent and before its replies.
     */
    private static boolean isAncestorOrSelf(Node candidate, Node node) {
        if (candidate != node && candidate.children.isEmpty()) {
            return false;
        }
        for (Node up = node; up != null; up = up.parent) {
            if (up == candidate) {
                return true;
            }
        }
        return false;
    }

    private static void attach(Node parent, Node child) {
        child.parent = parent;
        parent.children.add(child);
    }

    /**
     * Step 3: empty dummies go; other dummies give way to their children, except at the root
     * where that would split one conversation into several threads unless there is only one
     * child. Children are pruned before their parents, so nested dummies collapse from the bottom
     * up. Parent links are not kept from here on: only step 1 needs them.
     */
    private static List<Node> prune(List<Node> roots) {
        List<Node> topDown = topDown(roots);
        for (int i = topDown.size() - 1; i >= 0; i--) {
            Node node = topDown.get(i);
            List<Node> children = spliceDummies(node.children);
            node.children.clear();
            node.children.addAll(children);
        }
        List<Node> kept = new ArrayList<>();
        for (Node root : roots) {
            if (!root.isDummy() || root.children.size() > 1) {
                kept.add(root);
            } else {
                kept.addAll(root.children); // nothing for an empty dummy
            }
        }
        return kept;
    }

    /** The nodes below the root with each dummy, already pruned, replaced by its children. */
    private static List<Node> spliceDummies(List<Node> nodes) {
        List<Node> spliced = new ArrayList<>();
        for (Node node : nodes) {
            if (node.isDummy()) {
                spliced.addAll(node.children);
            } else {
                spliced.add(node);
            }
        }
        return spliced;
    }

    /**
     * Every node of the trees, each before its descendants. Walked with a list rather than by
     * recursion, as are the other tree walks, so that a reply chain thousands deep cannot
     * overflow the stack.
     */
    private static List<Node> topDown(List<Node> roots) {
        List<Node> nodes = new ArrayList<>(roots);
        for (int i = 0; i < nodes.size(); i++) {
            nodes.addAll(nodes.get(i).children);
        }
        return nodes;
    }

    /** Step 4: the root set by sent date, a dummy by its earliest child. */
    private static void sortRootSet(List<Node> roots) {
        for (Node root : roots) {
            if (root.isDummy()) {
                root.children.sort(NODES_BY_SENT);
            }
        }
        roots.sort(NODES_BY_SENT);
    }

    /**
     * Step 5: threads of the root set that share a base subject become one thread. Returns the new
     * root set, in the old order with merged threads gone and replaced ones swapped for their
     * new dummy.
     */
    private static List<Node> groupBySubject(List<Node> roots) {
        Map<String, Node> table = subjectTable(roots);
        Set<Node> merged = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Node, Node> replaced = new IdentityHashMap<>();
        for (Node current : roots) {
            String subject = threadSubject(current).text();
            Node holder = table.get(subject);
            // a holder already moved under a new dummy is in its right place
            if (subject.isEmpty() || holder == current || replaced.containsKey(current)) {
                continue;
            }
            Node dummy = mergeThreads(holder, current);
            if (dummy != null) {
                replaced.put(holder, dummy);
                table.put(subject, dummy);
            }
            merged.add(current);
        }
        List<Node> result = new ArrayList<>();
        for (Node root : roots) {
            if (!merged.contains(root)) {
                result.add(replaced.getOrDefault(root, root));
            }
        }
        return result;
    }

    /**
     * Step 5.B: for each thread subject the thread the others will join. A dummy is preferred,
     * as it already stands for several threads, then a message that is not a reply or forward,
     * as the likely start of the conversation.
     */
    private static Map<String, Node> subjectTable(List<Node> roots) {
        Map<String, Node> table = new HashMap<>();
        for (Node current : roots) {
            String subject = threadSubject(current).text();
            if (subject.isEmpty()) {
                continue;
            }
            Node holder = table.get(subject);
            if (holder == null
                || (!holder.isDummy() && (current.isDummy() || (holder.isReply() && !current.isReply())))) {
                table.put(subject, current);
            }
        }
        return table;
    }

    /**
     * Step 5.C: puts {@code current} into {@code holder}'s thread. Returns the new dummy when
     * neither can be the other's parent, which then takes holder's place; null otherwise.
     */
    private static Node mergeThreads(Node holder, Node current) {
        if (holder.isDummy() && current.isDummy()) {
            holder.children.addAll(current.children); // the two sets of children become siblings
        } else if (holder.isDummy() || (current.isReply() && !holder.isReply())) {
            holder.children.add(current);
        } else {
            Node dummy = new Node(null);
            dummy.children.add(holder);
            dummy.children.add(current);
            return dummy;
        }
        return null;
    }

    /** Step 5.B.i: a thread's subject is its root's, or for a dummy its first child's. */
    private static BaseSubject threadSubject(Node root) {
        Node node = root;
        while (node.isDummy()) {
            node = node.children.get(0);
        }
        return node.subject();
    }

    /** Step 6: every set of siblings by sent date, the deepest first, the root set last. */
    private static void sortTree(List<Node> roots) {
        List<Node> topDown = topDown(roots);
        for (int i = topDown.size() - 1; i >= 0; i--) {
            topDown.get(i).children.sort(NODES_BY_SENT);
        }
        roots.sort(NODES_BY_SENT);
    }

    // ---------------------------------------------------------------- output

    /** The thread-list of section 4: each root thread in its own parentheses. */
    private static String render(List<Node> roots) {
        StringBuilder out = new StringBuilder();
        for (Node root : roots) {
            out.append('(');
            appendMembers(out, root);
            out.append(')');
        }
        return out.toString();
    }

    /**
     * One thread without its outer parentheses: the node's number, then a single child run on
     * flat after a space, or several children each in its own parentheses. A dummy prints no
     * number, so its children follow directly. The work still to do is a stack of nodes and
     * closing parentheses rather than recursion, for deep threads.
     */
    private static void appendMembers(StringBuilder out, Node root) {
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Object next = todo.pop();
            if (next instanceof Node node) {
                appendNode(out, node, todo);
            } else {
                out.append(next);
            }
        }
    }

    /** Writes what comes before the node's children, and stacks the children. */
    private static void appendNode(StringBuilder out, Node node, Deque<Object> todo) {
        List<Node> children = node.children;
        if (!node.isDummy()) {
            out.append(node.message.id());
            if (!children.isEmpty()) {
                out.append(' ');
            }
        }
        if (children.size() == 1) {
            todo.push(children.get(0));
            return;
        }
        for (int i = children.size() - 1; i >= 0; i--) { // pushed last first, so written first first
            todo.push(")");
            todo.push(children.get(i));
            todo.push("(");
        }
    }

    // ---------------------------------------------------------------- base subject

    /** The base subject of section 2.1 as a lower-cased key; "" for a missing subject. */
    static String baseSubject(String subject) {
        return parseSubject(subject).text();
    }

    /** The base subject of section 2.1 and whether the subject was a reply or forward. */
    static BaseSubject parseSubject(String subject) {
        if (subject == null) {
            return new BaseSubject("", false);
        }
        SubjectParser parser = new SubjectParser(collapseWhitespace(subject).toLowerCase(Locale.ROOT));
        parser.run();
        return new BaseSubject(parser.text, parser.replyOrForward);
    }

    /** Step 1 (after the caller's RFC 2047 decoding): tabs and folding become one space per run. */
    private static String collapseWhitespace(String subject) {
        StringBuilder out = new StringBuilder(subject.length());
        boolean inSpace = false;
        for (int i = 0; i < subject.length(); i++) {
            char c = subject.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') { // WSP and folding; other controls are text
                if (!inSpace) {
                    out.append(' ');
                }
                inSpace = true;
            } else {
                out.append(c);
                inSpace = false;
            }
        }
        return out.toString();
    }

    /**
     * Steps 2 to 6 of section 2.1 on a lower-cased, whitespace-collapsed subject, so every
     * literal of the ABNF is matched in lower case and WSP is a single space.
     */
    private static final class SubjectParser {
        private String text;
        private boolean replyOrForward;

        SubjectParser(String text) {
            this.text = text;
        }

        void run() {
            do {
                removeTrailers();
                boolean changed;
                do { // step 5: repeat 3 and 4 until neither matches
                    changed = removeLeaders();
                    changed |= removeLeadingBlob();
                } while (changed);
            } while (unwrapForward());
        }

        /** Step 2: trailing {@code (fwd)} and spaces, repeatedly. */
        private void removeTrailers() {
            int end = text.length();
            while (true) {
                if (end > 0 && text.charAt(end - 1) == ' ') {
                    end--;
                } else if (end >= 5 && text.startsWith("(fwd)", end - 5)) {
                    end -= 5;
                    replyOrForward = true;
                } else {
                    break;
                }
            }
            text = text.substring(0, end);
        }

        /** Step 3: subj-leader, that is a space or {@code *subj-blob subj-refwd}, repeatedly. */
        private boolean removeLeaders() {
            boolean removed = false;
            while (true) {
                if (text.startsWith(" ")) {
                    text = text.substring(1);
                } else {
                    int end = replyOrForwardLeaderEnd();
                    if (end < 0) {
                        return removed;
                    }
                    text = text.substring(end);
                    replyOrForward = true;
                }
                removed = true;
            }
        }

        /**
         * Where {@code *subj-blob subj-refwd} ends at the start of the text, or -1.
         * subj-refwd is {@code ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"}.
         */
        private int replyOrForwardLeaderEnd() {
            int pos = 0;
            for (int next = blobEnd(pos); next > 0; next = blobEnd(pos)) {
                pos = next;
            }
            if (text.startsWith("re", pos)) {
                pos += 2;
            } else if (text.startsWith("fwd", pos)) {
                pos += 3;
            } else if (text.startsWith("fw", pos)) {
                pos += 2;
            } else {
                return -1;
            }
            pos = skipSpaces(pos);
            if (text.startsWith("[", pos)) {
                pos = blobEnd(pos);
                if (pos < 0) {
                    return -1;
                }
            }
            return text.startsWith(":", pos) ? pos + 1 : -1;
        }

        /** Step 4: a leading subj-blob, unless it is all that is left (it is then the base). */
        private boolean removeLeadingBlob() {
            int end = blobEnd(0);
            if (end < 0 || text.substring(end).isBlank()) {
                return false;
            }
            text = text.substring(end);
            return true;
        }

        /** Step 6: a {@code [fwd: ...]} wrapper around everything; then steps 2 to 5 again. */
        private boolean unwrapForward() {
            if (text.startsWith("[fwd:") && text.endsWith("]")) {
                text = text.substring("[fwd:".length(), text.length() - 1);
                replyOrForward = true;
                return true;
            }
            return false;
        }

        /**
         * Where the subj-blob {@code "[" *BLOBCHAR "]" *WSP} starting at {@code start} ends, or
         * -1. BLOBCHAR excludes both brackets, so blobs do not nest.
         */
        private int blobEnd(int start) {
            if (!text.startsWith("[", start)) {
                return -1;
            }
            for (int i = start + 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == ']') {
                    return skipSpaces(i + 1);
                }
                if (c == '[') {
                    return -1;
                }
            }
            return -1;
        }

        private int skipSpaces(int pos) {
            while (pos < text.length() && text.charAt(pos) == ' ') {
                pos++;
            }
            return pos;
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** The first {@code <...>} msg-id in a field value, brackets included, or null if none. */
    static String firstMsgId(String value) {
        if (value == null) {
            return null;
        }
        int open = value.indexOf('<');
        int close = open < 0 ? -1 : value.indexOf('>', open + 1);
        if (close <= open + 1) {
            return null;
        }
        return value.substring(open, close + 1);
    }

    /** The containers of step 1, found by message-id. */
    private static final class Containers {
        final Map<String, Node> byId = new HashMap<>();
        final List<Node> all = new ArrayList<>();

        /**
         * The message's own container: the one an earlier reference made for its id, or a new
         * one. A message without a valid id, or whose id an earlier message already holds, gets a
         * container no reference can reach, which is what a unique made-up id amounts to.
         */
        Node claim(Message message) {
            String id = firstMsgId(message.messageId());
            Node existing = id == null ? null : byId.get(id);
            if (existing != null && existing.message == null) {
                existing.message = message;
                return existing;
            }
            Node node = new Node(message);
            all.add(node);
            if (id != null && existing == null) {
                byId.put(id, node);
            }
            return node;
        }

        /** The container of a referenced id, a dummy if no message has claimed it yet. */
        Node get(String id) {
            return byId.computeIfAbsent(id, k -> {
                Node dummy = new Node(null);
                all.add(dummy);
                return dummy;
            });
        }
    }

    /** A message or dummy in a thread tree. */
    private static final class Node {
        Message message; // null for a dummy; set later when a referenced message turns up
        Node parent;
        final List<Node> children = new ArrayList<>();
        private BaseSubject subject;

        Node(Message message) {
            this.message = message;
        }

        boolean isDummy() {
            return message == null;
        }

        boolean isReply() {
            return !isDummy() && subject().replyOrForward();
        }

        BaseSubject subject() {
            if (subject == null) {
                subject = parseSubject(message.subject());
            }
            return subject;
        }

        /** The message a node sorts by: its own, or for a dummy its first child's. */
        Message dateMessage() {
            Node node = this;
            while (node.isDummy()) {
                node = node.children.get(0);
            }
            return node.message;
        }
    }
}
