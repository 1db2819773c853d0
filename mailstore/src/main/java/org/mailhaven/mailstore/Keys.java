package org.mailhaven.mailstore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.james.core.Username;
import org.apache.james.mailbox.model.MailboxPath;

/**
 * Key layout. The first byte names the kind of record; numbers are big-endian so that keys sort
 * in numeric order (a mailbox's messages are one range, in UID order); text parts end with a
 * NUL byte, which UTF-8 text never contains, so one user's or one mailbox's keys are a prefix.
 * <pre>
 *   G                              last mailbox id given out
 *   M id                           mailbox: path, UID validity, ACL        ({@link MailboxRecord})
 *   P namespace\0 user\0 name      mailbox id by path
 *   C id                           UIDs, mod-sequence, counts              ({@link Counters})
 *   F id                           user flags ever set in the mailbox
 *   U id uid                       message metadata                        ({@link MessageRecord})
 *   I messageId id uid             where a message id is stored
 *   R user\0 id                    mailboxes whose ACL names the user
 *   S user\0 mailbox name          subscription
 *   A id key                       annotation value
 *   D id delivery key              UID and time of a delivery              ({@link Deliveries})
 *   X time id name                 a body to remove at that time          ({@link ExpungedBodies})
 *   W                              a migration from the JPA store is under way ({@link MailboxMigration})
 *   Q quota root\0 c|b             messages (c) and bytes (b) of the root, 64-bit little-endian
 *                                  counters changed by merge (addition)    ({@link Quotas})
 * </pre>
 */
final class Keys {
    static final byte[] LAST_MAILBOX_ID = {'G'};
    static final byte[] MIGRATION_PENDING = {'W'};
    static final byte[] ALL_MAILBOXES = {'M'};

    private Keys() {
    }

    static byte[] mailbox(long id) {
        return ByteBuffer.allocate(9).put((byte) 'M').putLong(id).array();
    }

    static byte[] path(MailboxPath path) {
        return concat(pathPrefix(path.getNamespace(), path.getUser()), text(path.getName()));
    }

    static byte[] pathPrefix(String namespace, Username user) {
        return concat(new byte[] {'P'}, terminated(namespace), terminated(user == null ? "" : user.asString()));
    }

    static byte[] pathPrefix(MailboxPath parent, String childPrefix) {
        return concat(pathPrefix(parent.getNamespace(), parent.getUser()), text(childPrefix));
    }

    static byte[] counters(long id) {
        return ByteBuffer.allocate(9).put((byte) 'C').putLong(id).array();
    }

    static byte[] userFlags(long id) {
        return ByteBuffer.allocate(9).put((byte) 'F').putLong(id).array();
    }

    static byte[] message(long id, long uid) {
        return ByteBuffer.allocate(17).put((byte) 'U').putLong(id).putLong(uid).array();
    }

    static byte[] messages(long id) {
        return ByteBuffer.allocate(9).put((byte) 'U').putLong(id).array();
    }

    static long uidOf(byte[] messageKey) {
        return ByteBuffer.wrap(messageKey, 9, 8).getLong();
    }

    static byte[] messageId(StoredMessageId messageId, long id, long uid) {
        return ByteBuffer.allocate(33).put((byte) 'I').put(messageId.bytes()).putLong(id).putLong(uid).array();
    }

    static byte[] messageIds(StoredMessageId messageId) {
        return ByteBuffer.allocate(17).put((byte) 'I').put(messageId.bytes()).array();
    }

    /** Mailbox id and UID of an {@link #messageId} key. */
    static long[] placeOf(byte[] messageIdKey) {
        ByteBuffer buffer = ByteBuffer.wrap(messageIdKey, 17, 16);
        return new long[] {buffer.getLong(), buffer.getLong()};
    }

    static byte[] rightsHolder(String user, long id) {
        return concat(rightsHolders(user), ByteBuffer.allocate(8).putLong(id).array());
    }

    static byte[] rightsHolders(String user) {
        return concat(new byte[] {'R'}, terminated(user));
    }

    static long mailboxOfRightsHolder(byte[] key) {
        return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
    }

    static byte[] subscription(Username user, String mailbox) {
        return concat(subscriptions(user), text(mailbox));
    }

    static byte[] subscriptions(Username user) {
        return concat(new byte[] {'S'}, terminated(user.asString()));
    }

    static byte[] annotation(long id, String key) {
        return concat(annotations(id), text(key));
    }

    static byte[] delivery(long id, String key) {
        return concat(deliveries(id), text(key));
    }

    static byte[] deliveries(long id) {
        return ByteBuffer.allocate(9).put((byte) 'D').putLong(id).array();
    }

    static final byte[] ALL_DELIVERIES = {'D'};

    static byte[] expungedBody(long due, long id, String body) {
        return concat(ByteBuffer.allocate(17).put((byte) 'X').putLong(due).putLong(id).array(), text(body));
    }

    /** The first key of a body due after {@code due}: the ones before it are due. */
    static byte[] expungedBodiesAfter(long due) {
        return ByteBuffer.allocate(9).put((byte) 'X').putLong(due + 1).array();
    }

    static final byte[] ALL_EXPUNGED_BODIES = {'X'};

    /** The mailbox of an {@link #expungedBody} key; its body name is {@code suffix(key, 17)}. */
    static long mailboxOfExpungedBody(byte[] key) {
        return ByteBuffer.wrap(key, 9, 8).getLong();
    }

    static byte[] annotations(long id) {
        return ByteBuffer.allocate(9).put((byte) 'A').putLong(id).array();
    }

    static byte[] quotaCount(String root) {
        return concat(new byte[] {'Q'}, terminated(root), new byte[] {'c'});
    }

    static byte[] quotaBytes(String root) {
        return concat(new byte[] {'Q'}, terminated(root), new byte[] {'b'});
    }

    /** Text after a fixed prefix of {@code length} bytes. */
    static String suffix(byte[] key, int length) {
        return new String(key, length, key.length - length, StandardCharsets.UTF_8);
    }

    /** The first key after every key starting with {@code prefix}. */
    static byte[] after(byte[] prefix) {
        byte[] next = Arrays.copyOf(prefix, prefix.length);
        for (int i = next.length - 1; i >= 0; i--) {
            if (next[i] != (byte) 0xFF) {
                next[i]++;
                return Arrays.copyOf(next, i + 1);
            }
        }
        throw new IllegalArgumentException("no key follows an all-0xFF prefix");
    }

    static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] terminated(String value) {
        return concat(text(value), new byte[] {0});
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            buffer.put(part);
        }
        return buffer.array();
    }
}
