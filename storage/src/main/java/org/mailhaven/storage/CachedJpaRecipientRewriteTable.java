package org.mailhaven.storage;

import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.jpa.JPARecipientRewriteTable;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.rrt.lib.Mappings;

/**
 * James' aliases, forwards and other address mappings in the database, with each stored mapping
 * kept in memory ({@link LookupCache}). Resolving one recipient asks for at least two (the
 * address, then its domain) and more along alias chains; going to the database each time cost
 * about 4% of the server's CPU (docs/performance.md). Any change of a mapping through this server
 * forgets all of them at once, since mappings resolve through each other. Named in
 * {@code conf/recipientrewritetable.xml}.
 */
public class CachedJpaRecipientRewriteTable extends JPARecipientRewriteTable {
    private final LookupCache<MappingSource, Mappings> stored = new LookupCache<>(100_000);

    @Override
    public Mappings getStoredMappings(MappingSource source) throws RecipientRewriteTableException {
        return stored.get(source, () -> super.getStoredMappings(source));
    }

    @Override
    public void addMapping(MappingSource source, Mapping mapping) throws RecipientRewriteTableException {
        stored.changingAny(() -> super.addMapping(source, mapping));
    }

    @Override
    public void removeMapping(MappingSource source, Mapping mapping) throws RecipientRewriteTableException {
        stored.changingAny(() -> super.removeMapping(source, mapping));
    }
}
