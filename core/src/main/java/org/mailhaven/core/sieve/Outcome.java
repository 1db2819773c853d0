package org.mailhaven.core.sieve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.james.core.MailAddress;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.Action;
import org.mailhaven.core.sieve.DeliveryTargets.Target;

/**
 * What happens to the message for one recipient once all scripts ran: the folders it is stored
 * in, the addresses it is redirected to, a rejection, a vacation reply.
 *
 * @param stores    folders with their flags; the same folder twice is one copy with both sets of flags
 * @param redirects addresses the message is redirected to, each once
 */
public record Outcome(List<Target> stores, List<MailAddress> redirects, Optional<String> reject,
                      Optional<SieveAction.Vacation> vacation) {

    /** What happens without any script, or after a script failed: the implicit keep. */
    public static Outcome keep() {
        return new Outcome(List.of(Target.inbox()), List.of(), Optional.empty(), Optional.empty());
    }

    static Outcome of(List<Action> actions, boolean implicitKeep, Set<String> implicitKeepFlags) throws SieveException {
        Map<String, Set<String>> stores = new LinkedHashMap<>();
        List<MailAddress> redirects = new ArrayList<>();
        List<String> rejects = new ArrayList<>();
        List<SieveAction.Vacation> vacations = new ArrayList<>();
        for (Action action : actions) {
            if (action instanceof SieveAction.Store store) {
                stores.computeIfAbsent(new Target(store.folder(), Set.of()).folder(), folder -> new LinkedHashSet<>())
                    .addAll(store.flags());
            } else if (action instanceof SieveAction.Redirect redirect && !redirects.contains(redirect.to())) {
                redirects.add(redirect.to());
            } else if (action instanceof SieveAction.Reject reject) {
                rejects.add(reject.reason());
            } else if (action instanceof SieveAction.Vacation vacation) {
                vacations.add(vacation);
            }
        }
        if (vacations.size() > 1) {
            throw new SieveException("vacation may be used only once");
        }
        if (rejects.size() > 1 || (!rejects.isEmpty() && (!stores.isEmpty() || !redirects.isEmpty() || !vacations.isEmpty()))) {
            // RFC 5429 2.2: reject cannot be combined with another reject, keep, fileinto, redirect or vacation.
            throw new SieveException("reject cannot be combined with keep, fileinto, redirect, vacation or another reject");
        }
        if (implicitKeep && rejects.isEmpty()) {
            stores.computeIfAbsent(Target.inbox().folder(), folder -> new LinkedHashSet<>()).addAll(implicitKeepFlags);
        }
        List<Target> targets = new ArrayList<>();
        stores.forEach((folder, flags) -> targets.add(new Target(folder, flags)));
        return new Outcome(targets, redirects, rejects.stream().findFirst(), vacations.stream().findFirst());
    }
}
