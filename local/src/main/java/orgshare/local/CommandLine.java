package orgshare.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A command, its positional arguments and its {@code --name value} options, checked against what the command takes. */
record CommandLine(String command, List<String> positionals, Map<String, String> options) {

    /** Options that take no value: present or not. */
    static final Set<String> FLAGS = Set.of("allow-loopback-webhooks");

    /** A mistake in the command line: the runner prints it with the usage and exits 2. */
    static final class UsageException extends LocalRunnerException {
        UsageException(String message) {
            super(message);
        }
    }

    /** Whether the arguments ask for the usage: {@code --help} or {@code -h} anywhere, or the help command. */
    static boolean asksForHelp(String[] args) {
        return List.of(args).contains("--help") || List.of(args).contains("-h") || (args.length > 0 && args[0].equals("help"));
    }

    static CommandLine parse(String[] args, Map<String, Set<String>> optionsByCommand) {
        if (args.length == 0) {
            throw new UsageException("Name a command.");
        }
        String command = args[0];
        Set<String> allowed = optionsByCommand.get(command);
        if (allowed == null) {
            throw new UsageException("Unknown command '" + command + "'.");
        }
        List<String> positionals = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-")) {
                positionals.add(arg);
                continue;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException(command + " takes no option " + arg + ".");
            }
            String name = arg.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (FLAGS.contains(name)) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("Option --" + name + " needs a value.");
            }
            if (!allowed.contains(name)) {
                throw new UsageException(command + " takes no option --" + name + ".");
            }
            if (options.put(name, value) != null) {
                throw new UsageException("Option --" + name + " is given twice.");
            }
        }
        return new CommandLine(command, List.copyOf(positionals), Map.copyOf(options));
    }

    /** Refuses positional arguments beyond the first {@code allowed}. */
    void allowPositionals(int allowed) {
        if (positionals.size() > allowed) {
            throw new UsageException(command + " takes no argument '" + positionals.get(allowed) + "'.");
        }
    }

    String option(String name, String absent) {
        return options.getOrDefault(name, absent);
    }

    boolean flag(String name) {
        String value = options.get(name);
        if (value != null && !value.equals("true") && !value.equals("false")) {
            throw new UsageException("Option --" + name + " takes no value (or =true, =false), not '" + value + "'.");
        }
        return "true".equals(value);
    }

    int intOption(String name, int absent) {
        String value = options.get(name);
        try {
            return value == null ? absent : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("Option --" + name + " takes a number, not '" + value + "'.");
        }
    }
}
