using System.CommandLine;
using LatentMas.Native.Cli.Commands;

var root = new RootCommand(
    "latentmas: latent multi-agent reasoning on GGUF models through llama.cpp.\n" +
    "Agents think by feeding hidden states back as input embeddings; only the last agent writes text.");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(ModelCommands.Create());
return root.Parse(args).Invoke();
