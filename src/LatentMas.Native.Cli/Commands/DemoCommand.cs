using System.CommandLine;
using System.Diagnostics;
using System.Text;
using LatentMas.Native.Alignment;
using LatentMas.Native.Llama;
using LatentMas.Native.Models;
using Spectre.Console;

namespace LatentMas.Native.Cli.Commands;

/// <summary>
/// latentmas demo: one agent's whole path on a generated model — prompt tokens in, latent steps (the last
/// hidden state rescaled and fed back as the next input embedding), then text out — with what it cost.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo?>("--model", "-m") { Description = "A .gguf model (default: the generated tiny-qwen2, created if missing)." };
        var recipe = new Option<string>("--recipe") { Description = "Recipe used when the default model is missing.", DefaultValueFactory = _ => "tiny-qwen2" };
        var steps = new Option<int>("--latent-steps", "--latent_steps") { Description = "Latent steps before the answer.", DefaultValueFactory = _ => 8 };
        var tokens = new Option<int>("--max-new-tokens", "--max_new_tokens") { Description = "Tokens of text to generate.", DefaultValueFactory = _ => 16 };
        var prompt = new Option<string>("--prompt", "-p") { Description = "The question.", DefaultValueFactory = _ => "What is 17 + 25? Think step by step." };
        var threads = new Option<int>("--threads", "-t") { Description = "Compute threads (0: all cores)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show llama.cpp's log." };
        var command = new Command("demo", "Run a model end to end: tokens in, latent steps, text out, and print what happened.")
        {
            model, recipe, steps, tokens, prompt, threads, verbose,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(
            parse.GetValue(model)?.FullName, parse.GetValue(recipe)!, parse.GetValue(steps), parse.GetValue(tokens),
            parse.GetValue(prompt)!, parse.GetValue(threads)), verbose: parse.GetValue(verbose)));
        return command;
    }

    private static int Run(string? modelPath, string recipeName, int latentSteps, int maxNewTokens, string question, int threads)
    {
        if (latentSteps < 0 || maxNewTokens < 1)
        {
            CommandRunner.Error("--latent-steps must be 0 or more and --max-new-tokens at least 1.");
            return CommandRunner.BadInput;
        }
        var generated = false;
        if (modelPath is null)
        {
            var recipe = RecipeCatalogue.Get(recipeName);
            modelPath = Path.Combine(CliPaths.Models, $"{recipe.Name}.gguf");
            if (!File.Exists(modelPath))
            {
                AnsiConsole.MarkupLine($"[grey]{Markup.Escape(modelPath)} is missing: generating it from recipe {recipe.Name}.[/]");
                ModelCommands.Generate(recipe, modelPath);
            }
            generated = true;
        }

        var clock = Stopwatch.StartNew();
        using var model = LlamaModel.Load(modelPath);
        var loadMs = clock.Elapsed.TotalMilliseconds;
        double targetNorm;
        using (var file = GgufFile.Open(modelPath))
        {
            targetNorm = EmbeddingStatistics.MeanRowNorm(file);
        }
        var info = model.Info;
        AnsiConsole.MarkupLine($"model: [bold]{Markup.Escape(info.Description)}[/], {info.Layers} layers, width {info.EmbeddingSize}, " +
                               $"vocabulary {info.VocabSize:N0}, output {(info.TiedOutput ? "tied" : "separate")}, loaded in {loadMs:F0} ms");
        if (generated || (model.GetMetadata("general.name")?.Contains("random weights") ?? false))
        {
            AnsiConsole.MarkupLine("[yellow]This model's weights are random: its text is gibberish, but the timings and numerics are real.[/]");
        }

        var chat = model.ChatTemplate is null
            ? question
            : model.ApplyChatTemplate([new ChatMessage("user", question)]);
        var promptTokens = model.Tokenize(chat, addSpecial: true);
        var contextSize = Math.Max(256, promptTokens.Length + latentSteps + maxNewTokens + 16);
        using var context = LlamaContext.Create(model, new ContextOptions { ContextSize = contextSize, Threads = threads });
        using var sampler = new TokenSampler(SamplerOptions.Greedy);

        clock.Restart();
        var output = context.DecodeTokens(0, promptTokens, DecodeOutputs.Both);
        var promptMs = clock.Elapsed.TotalMilliseconds;
        var afterPrompt = context.NextPosition(0);

        // Latent steps: the last hidden state, rescaled to the mean norm of the token embeddings, is the next input.
        var thought = new float[info.EmbeddingSize];
        clock.Restart();
        for (var step = 0; step < latentSteps; step++)
        {
            output.HiddenRow(0).CopyTo(thought);
            EmbeddingStatistics.RescaleTo(thought, targetNorm);
            output = context.DecodeEmbeddings(0, thought, DecodeOutputs.Both);
        }
        var latentMs = clock.Elapsed.TotalMilliseconds;
        var afterLatent = context.NextPosition(0);

        clock.Restart();
        var text = new List<byte>();
        var answer = new List<int>();
        for (var i = 0; i < maxNewTokens; i++)
        {
            var token = sampler.Sample(output.LogitsRow(0));
            if (model.IsEndOfGeneration(token))
            {
                break;
            }
            answer.Add(token);
            text.AddRange(model.TokenPiece(token));
            output = context.DecodeTokens(0, [token], DecodeOutputs.Logits);
        }
        var genMs = clock.Elapsed.TotalMilliseconds;

        var table = new Table().Title("what happened").AddColumns("stage", "positions", "time", "rate");
        table.AddRow("prompt (chat-templated tokens)", $"0 -> {afterPrompt}", $"{promptMs:F1} ms", $"{promptTokens.Length / (promptMs / 1000):F0} tokens/s");
        table.AddRow($"latent steps (hidden state -> embedding, norm {targetNorm:F3})", $"{afterPrompt} -> {afterLatent}", $"{latentMs:F1} ms",
            latentSteps == 0 ? "-" : $"{latentSteps / (latentMs / 1000):F0} steps/s");
        table.AddRow("text (greedy)", $"{afterLatent} -> {context.NextPosition(0)}", $"{genMs:F1} ms",
            answer.Count == 0 ? "-" : $"{answer.Count / (genMs / 1000):F0} tokens/s");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"KV cache: {context.NextPosition(0)} of {context.ContextSize} positions, {context.KvCacheBytes / 1024.0:F0} KiB");
        AnsiConsole.MarkupLine($"output ({answer.Count} tokens): [bold]{Markup.Escape(Encoding.UTF8.GetString(text.ToArray()))}[/]");
        return CommandRunner.Ok;
    }
}
