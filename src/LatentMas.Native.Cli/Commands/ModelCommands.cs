using System.CommandLine;
using LatentMas.Native.Llama;
using LatentMas.Native.Models;
using Spectre.Console;

namespace LatentMas.Native.Cli.Commands;

/// <summary>latentmas model list | create | quantize | info.</summary>
internal static class ModelCommands
{
    public static Command Create()
    {
        var model = new Command("model", "Generate, quantize and inspect GGUF models.");
        model.Subcommands.Add(List());
        model.Subcommands.Add(CreateFromRecipe());
        model.Subcommands.Add(Quantize());
        model.Subcommands.Add(Info());
        return model;
    }

    private static Command List()
    {
        var command = new Command("list", "List the recipes for generated models and the catalogue of real models.");
        command.SetAction(_ => CommandRunner.Run(() =>
        {
            var recipes = new Table().Title("Recipes (random weights, real vocabulary): latentmas model create --recipe NAME")
                .AddColumns("name", "arch", "vocab", "layers", "width", "heads/kv", "ffn", "output", "type", "description");
            foreach (var r in RecipeCatalogue.All)
            {
                recipes.AddRow(r.Name, r.Architecture, r.Vocabulary, $"{r.Layers}", $"{r.Width}", $"{r.Heads}/{r.KvHeads}", $"{r.Ffn}",
                    r.TiedOutput ? "tied" : "separate", r.WeightType, Markup.Escape(r.Description));
            }
            AnsiConsole.Write(recipes);
            var catalogue = new Table().Title($"Real models (downloaded on first use into {Markup.Escape(CliPaths.Models)})")
                .AddColumns("name", "file", "size", "sha256", "shape recipe");
            foreach (var e in ModelCatalogue.All)
            {
                catalogue.AddRow(e.Name, Markup.Escape(e.File), e.SizeBytes is { } s ? $"{s / 1e6:F0} MB" : "unknown",
                    e.Sha256 ?? "unknown", e.ShapeRecipe ?? "");
            }
            AnsiConsole.Write(catalogue);
            return CommandRunner.Ok;
        }, native: false));
        return command;
    }

    private static Command CreateFromRecipe()
    {
        var recipe = new Option<string>("--recipe") { Description = "Recipe name (see 'latentmas model list').", Required = true };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Output .gguf file (default: the model cache)." };
        var quantize = new Option<QuantizationType?>("--quantize", "-q") { Description = "Also write a quantized copy: Q8_0, Q4_0, Q4_K_M, F16 ..." };
        var force = new Option<bool>("--force") { Description = "Replace an existing file." };
        var command = new Command("create", "Generate a GGUF model with a real architecture and vocabulary and deterministic random weights.")
        {
            recipe, output, quantize, force,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var r = RecipeCatalogue.Get(parse.GetValue(recipe)!);
            var path = parse.GetValue(output)?.FullName ?? Path.Combine(CliPaths.Models, $"{r.Name}.gguf");
            if (File.Exists(path) && !parse.GetValue(force))
            {
                CommandRunner.Error($"{path} exists; pass --force to replace it.");
                return CommandRunner.BadInput;
            }
            Generate(r, path);
            if (parse.GetValue(quantize) is { } q)
            {
                var qPath = Path.ChangeExtension(path, null) + $"-{q}.gguf";
                AnsiConsole.MarkupLine($"quantizing to {q} ...");
                ModelQuantizer.Quantize(path, qPath, q);
                AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(qPath)}[/] ({new FileInfo(qPath).Length / 1e6:F1} MB)");
            }
            return CommandRunner.Ok;
        }));
        return command;
    }

    /// <summary>Writes a recipe's model with a progress bar; shared with the demo.</summary>
    public static void Generate(ModelRecipe recipe, string path)
    {
        var started = DateTime.UtcNow;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"generating {recipe.Name}", maxValue: 1.0);
                ModelFactory.Create(recipe, path, progress: new Progress<double>(f => task.Value = f));
                task.Value = 1.0;
            });
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(path)}[/] ({new FileInfo(path).Length / 1e6:F1} MB in {(DateTime.UtcNow - started).TotalSeconds:F1} s). " +
                               "Its weights are random: it produces gibberish, with real timings.");
    }

    private static Command Quantize()
    {
        var input = new Option<FileInfo>("--in") { Description = "Source .gguf (F32 or F16).", Required = true };
        var output = new Option<FileInfo>("--out", "-o") { Description = "Destination .gguf.", Required = true };
        var type = new Option<QuantizationType>("--type", "-t") { Description = "Q8_0, Q4_0, Q4_K_M, Q5_K_M, Q6_K or F16.", Required = true };
        var threads = new Option<int>("--threads") { Description = "Threads (0: all cores)." };
        var command = new Command("quantize", "Quantize a GGUF model with llama.cpp.") { input, output, type, threads };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var inPath = parse.GetValue(input)!.FullName;
            var outPath = parse.GetValue(output)!.FullName;
            ModelQuantizer.Quantize(inPath, outPath, parse.GetValue(type), parse.GetValue(threads));
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(outPath)}[/]: {new FileInfo(inPath).Length / 1e6:F1} MB -> {new FileInfo(outPath).Length / 1e6:F1} MB");
            return CommandRunner.Ok;
        }));
        return command;
    }

    private static Command Info()
    {
        var file = new Argument<FileInfo>("file") { Description = "A .gguf model." };
        var command = new Command("info", "Print a model's architecture, shape and chat template.") { file };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            using var model = LlamaModel.Load(parse.GetValue(file)!.FullName);
            var i = model.Info;
            var table = new Table().AddColumns("property", "value");
            table.AddRow("description", Markup.Escape(i.Description));
            table.AddRow("architecture", i.Architecture);
            table.AddRow("layers", $"{i.Layers}");
            table.AddRow("width", $"{i.EmbeddingSize}");
            table.AddRow("heads / kv heads", $"{i.Heads} / {i.KvHeads}");
            table.AddRow("vocabulary", $"{i.VocabSize}");
            table.AddRow("training context", $"{i.TrainingContext}");
            table.AddRow("output matrix", i.TiedOutput ? "tied to token embeddings" : "separate");
            table.AddRow("parameters", $"{i.Parameters:N0}");
            table.AddRow("weights", $"{i.SizeBytes / 1e6:F1} MB");
            table.AddRow("chat template", model.ChatTemplate is null ? "none" : "yes");
            AnsiConsole.Write(table);
            return CommandRunner.Ok;
        }));
        return command;
    }
}
