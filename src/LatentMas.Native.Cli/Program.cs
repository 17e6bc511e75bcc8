using System.CommandLine;
using LatentMas.Native.Cli.Commands;

namespace LatentMas.Native.Cli;

/// <summary>The latentmas command.</summary>
public static class Program
{
    /// <summary>Entry point; returns the exit code (0 ok, 1 failure, 2 bad input, 130 interrupted).</summary>
    public static int Main(string[] args)
    {
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0 && !args.Contains("--help") && !args.Contains("-h"))
        {
            // A command line that does not parse is bad input: say what is wrong and how to get help.
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine($"error: {error.Message}");
            }
            Console.Error.WriteLine("Run 'latentmas --help' (or 'latentmas COMMAND --help') for the options.");
            return Commands.CommandRunner.BadInput;
        }
        return parse.Invoke();
    }

    /// <summary>The command tree.</summary>
    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "latentmas: latent multi-agent reasoning on GGUF models through llama.cpp.\n" +
            "Agents think by feeding hidden states back as input embeddings; only the last agent writes text.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ModelCommands.Create());
        root.Subcommands.Add(TaskCommands.Tasks());
        root.Subcommands.Add(TaskCommands.Score());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }
}
