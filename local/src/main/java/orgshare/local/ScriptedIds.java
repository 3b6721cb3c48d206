package orgshare.local;

import orgshare.shared.ids.Ids;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * The IDs a function makes: first those {@code invoke --ids} names, in order, then fresh ones. A chain of sample
 * events works this way: the event that creates a merchant or a group gives it the ID the later events name.
 */
final class ScriptedIds implements Supplier<String> {
    private final Deque<String> scripted;
    private final Ids fresh = new Ids(Clock.systemUTC());

    private ScriptedIds(List<String> first) {
        this.scripted = new ArrayDeque<>(first);
    }

    /** From {@code --ids A,B}; none when the option is absent. */
    static ScriptedIds parse(String option) {
        if (option == null) {
            return new ScriptedIds(List.of());
        }
        List<String> ids = List.of(option.split(",", -1)).stream().map(String::strip).toList();
        if (ids.stream().anyMatch(String::isEmpty)) {
            throw new CommandLine.UsageException("--ids takes IDs separated by commas, none empty.");
        }
        return new ScriptedIds(ids);
    }

    @Override
    public synchronized String get() {
        return scripted.isEmpty() ? fresh.get() : scripted.poll();
    }

    synchronized int unused() {
        return scripted.size();
    }
}
