package org.mailhaven.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Unpacks distributions for a test class and stops them with {@code bin/james stop} after it,
 * whatever the tests did. Register with {@code @RegisterExtension static final}.
 */
final class Distributions implements AfterAllCallback {
    private final List<Distribution> unpacked = new ArrayList<>();

    Distribution unpack(String name) throws IOException, InterruptedException {
        Distribution distribution = Distribution.unpack(name);
        unpacked.add(distribution);
        return distribution;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (Distribution distribution : unpacked) {
            distribution.james("stop");
        }
    }
}
