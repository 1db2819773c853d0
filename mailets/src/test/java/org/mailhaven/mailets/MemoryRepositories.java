package org.mailhaven.mailets;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryPath;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.james.mailrepository.memory.MemoryMailRepository;

/** Mail repositories in memory for in-process mailet tests: every URL gets its own, created on first use. */
public final class MemoryRepositories implements MailRepositoryStore {
    private final Map<MailRepositoryUrl, MailRepository> repositories = new ConcurrentHashMap<>();

    @Override
    public MailRepository select(MailRepositoryUrl url) {
        return repositories.computeIfAbsent(url, any -> new MemoryMailRepository());
    }

    /** The repository at {@code url}, as the mailet under test sees it. */
    public MailRepository at(String url) {
        return select(MailRepositoryUrl.from(url));
    }

    @Override
    public Optional<Protocol> defaultProtocol() {
        return Optional.of(new Protocol("memory"));
    }

    @Override
    public Optional<MailRepository> get(MailRepositoryUrl url) {
        return Optional.ofNullable(repositories.get(url));
    }

    @Override
    public Stream<MailRepository> getByPath(MailRepositoryPath path) {
        return repositories.entrySet().stream().filter(entry -> entry.getKey().getPath().equals(path)).map(Map.Entry::getValue);
    }

    @Override
    public Stream<MailRepositoryUrl> getUrls() {
        return repositories.keySet().stream();
    }
}
