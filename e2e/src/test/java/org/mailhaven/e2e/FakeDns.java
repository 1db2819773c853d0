package org.mailhaven.e2e;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A DNS server on loopback (UDP) for the tests, built with dnsjava: it answers the records it
 * was given (MX, A and TXT one by one, any type from a zone file's text), NXDOMAIN for names it does not know, SERVFAIL for names marked broken.
 */
final class FakeDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<Name> broken = ConcurrentHashMap.newKeySet();
    private final Thread server;

    FakeDns() throws IOException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        server = new Thread(this::serve, "fake-dns");
        server.setDaemon(true);
        server.start();
    }

    String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    FakeDns mx(String domain, int preference, String host) throws IOException {
        add(new MXRecord(name(domain), DClass.IN, 60, preference, name(host)));
        return this;
    }

    FakeDns a(String host, String address) throws IOException {
        add(new ARecord(name(host), DClass.IN, 60, InetAddress.getByName(address)));
        return this;
    }

    /** A domain that accepts no mail at all: a null MX (RFC 7505). */
    FakeDns nullMx(String domain) throws IOException {
        add(new MXRecord(name(domain), DClass.IN, 60, 0, Name.root));
        return this;
    }

    /** A TXT record (SPF, DMARC, DKIM key); long texts are split into 255-byte strings. */
    FakeDns txt(String name, String text) throws IOException {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            strings.add(text.substring(i, Math.min(text.length(), i + 255)));
        }
        add(new TXTRecord(name(name), DClass.IN, 60, strings));
        return this;
    }

    /** Every record of a zone file's text (RFC 1035 master format, as bin/james-cli DnsRecords prints it). */
    FakeDns zone(String text) throws IOException {
        try (Master master = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Name.root, 3600)) {
            for (Record record = master.nextRecord(); record != null; record = master.nextRecord()) {
                add(record);
            }
        }
        return this;
    }

    FakeDns servfail(String domain) throws IOException {
        broken.add(name(domain));
        return this;
    }

    private void add(Record record) {
        records.computeIfAbsent(record.getName(), name -> new CopyOnWriteArrayList<>()).add(record);
    }

    private static Name name(String text) throws IOException {
        return Name.fromString(text.endsWith(".") ? text : text + ".");
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                byte[] answer = answer(new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength())));
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                // closed, or a malformed query: wait for the next one
            }
        }
    }

    private byte[] answer(Message query) {
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        if (broken.contains(name)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
        } else if (!records.containsKey(name)) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
            for (Record record : records.get(name)) {
                if (record.getType() == question.getType() || question.getType() == Type.ANY) {
                    response.addRecord(record, Section.ANSWER);
                }
            }
        }
        return response.toWire();
    }

    @Override
    public void close() {
        socket.close();
    }
}
