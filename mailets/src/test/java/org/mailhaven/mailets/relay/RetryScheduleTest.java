package org.mailhaven.mailets.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    @Test
    void theRetryScheduleRepeatsItsLastWait() {
        RetrySchedule schedule = RetrySchedule.parse("5m, 15m,1h").orElseThrow();
        assertEquals(Duration.ofMinutes(5), schedule.after(1));
        assertEquals(Duration.ofMinutes(15), schedule.after(2));
        assertEquals(Duration.ofHours(1), schedule.after(3));
        assertEquals(Duration.ofHours(1), schedule.after(40));
        assertEquals(Duration.ofMinutes(15), RetrySchedule.parse("15m").orElseThrow().after(7));
    }

    @Test
    void aRetryScheduleWithAZeroOrUnreadableWaitIsRefused() {
        assertTrue(RetrySchedule.parse("0s").isEmpty());
        assertTrue(RetrySchedule.parse("5m, soon").isEmpty());
        assertTrue(RetrySchedule.parse("").isEmpty());
    }
}
