using System.Diagnostics;
using System.Text.Json;
using LatentMas.Native.Engine;
using LatentMas.Native.Methods;

namespace LatentMas.Native.Runs;

/// <summary>Progress after each batch.</summary>
/// <param name="Done">Items finished (resumed ones included).</param>
/// <param name="Total">Items in the run.</param>
/// <param name="Correct">Correct so far.</param>
/// <param name="TokensPerSecond">Generated tokens per second in this invocation.</param>
/// <param name="LatentStepsPerSecond">Latent steps per second in this invocation.</param>
public sealed record RunProgress(int Done, int Total, int Correct, double TokensPerSecond, double LatentStepsPerSecond);

/// <summary>
/// Runs a method over items in batches, scores each answer, and appends one flushed JSONL line per finished
/// item to results.jsonl, so an interruption loses nothing that finished; summary.json is rewritten at the
/// end (and when interrupted). With resume, items already in results.jsonl are skipped.
/// </summary>
public sealed class BenchmarkRunner(IMethod method, IAnswerScorer scorer, string outputDirectory)
{
    /// <summary>Name of the per-item results file.</summary>
    public const string ResultsFile = "results.jsonl";

    /// <summary>Name of the summary file.</summary>
    public const string SummaryFile = "summary.json";

    /// <summary>Where per-question latents go (null: not saved). Needs <see cref="MethodOptions.RecordLatents"/>.</summary>
    public string? LatentsDirectory { get; init; }

    /// <summary>Model identity for the summary.</summary>
    public IReadOnlyDictionary<string, string> ModelInfo { get; init; } = new Dictionary<string, string>();

    /// <summary>Settings for the summary.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Runs <paramref name="items"/>. Cancellation stops after the current step; finished items stay.</summary>
    public RunSummary Run(IReadOnlyList<RunItem> items, bool resume, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(outputDirectory);
        var resultsPath = Path.Combine(outputDirectory, ResultsFile);
        var previous = LoadPrevious(resultsPath, resume);
        var done = previous.Select(r => r.Index).ToHashSet();
        var records = new List<ItemRecord>(previous);
        var pending = items.Where(i => !done.Contains(i.Index)).ToList();

        var clock = Stopwatch.StartNew();
        long tokens = 0, steps = 0;
        var interrupted = true;  // until the loop finishes: an unexpected exception still leaves a summary
        RunSummary? summary = null;
        try
        {
            using var writer = new StreamWriter(resultsPath, append: true);
            var stopped = false;
            for (var start = 0; start < pending.Count && !stopped; start += method.BatchSize)
            {
                var batch = pending.Skip(start).Take(method.BatchSize).ToList();
                var batchClock = Stopwatch.StartNew();
                var outcomes = RunBatch(batch, cancellationToken, out stopped);
                var seconds = batchClock.Elapsed.TotalSeconds / batch.Count;
                foreach (var (item, result, error) in outcomes)
                {
                    var record = result is null
                        ? Failed(item, error!, seconds)
                        : Scored(item, result, seconds);
                    writer.WriteLine(JsonSerializer.Serialize(record, RunJson.Line));
                    writer.Flush();
                    records.Add(record);
                    tokens += record.GeneratedTokens;
                    steps += record.LatentSteps;
                    if (LatentsDirectory is not null && result is not null)
                    {
                        SaveLatents(result, item);
                    }
                }
                var elapsed = Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                progress?.Report(new RunProgress(records.Count, items.Count, records.Count(r => r.Correct), tokens / elapsed, steps / elapsed));
            }
            interrupted = stopped;
        }
        finally
        {
            summary = WriteSummary(items.Count, records, clock.Elapsed.TotalSeconds, tokens, steps, interrupted);
        }
        return summary;
    }

    /// <summary>
    /// Runs one batch. A question that cannot be answered (it does not fit the context, the cache is full, a
    /// decode fails) becomes a failed item instead of ending the run: the batch is retried one question at a time.
    /// </summary>
    private List<(RunItem Item, MethodResult? Result, string? Error)> RunBatch(List<RunItem> batch, CancellationToken cancellationToken, out bool stopped)
    {
        stopped = false;
        var outcomes = new List<(RunItem, MethodResult?, string?)>();
        try
        {
            var results = method.Run(batch.Select(Input).ToList(), cancellationToken);
            outcomes.AddRange(batch.Zip(results, (i, r) => (i, (MethodResult?)r, (string?)null)));
            return outcomes;
        }
        catch (OperationCanceledException)
        {
            stopped = true;
            return outcomes;
        }
        catch (LatentMasException e) when (batch.Count == 1)
        {
            outcomes.Add((batch[0], null, e.Message));
            return outcomes;
        }
        catch (LatentMasException)
        {
            // Some question of the batch failed: find which by running them one at a time below.
        }
        foreach (var item in batch)
        {
            var single = RunBatch([item], cancellationToken, out stopped);
            outcomes.AddRange(single);
            if (stopped)
            {
                break;
            }
        }
        return outcomes;
    }

    private static MethodInput Input(RunItem item) => new(item.Index, item.Question, item.AnswerFormat);

    private ItemRecord Scored(RunItem item, MethodResult result, double seconds)
    {
        var score = scorer.Score(item, result.RawOutput);
        return new ItemRecord
        {
            Index = item.Index, Id = item.Id, Question = item.Question, Gold = item.Gold,
            Prediction = score.Prediction, RawOutput = result.RawOutput, Correct = score.Correct, Failure = score.Failure,
            Collapsed = RepetitionDetector.IsCollapsed(result.OutputTokens),
            GeneratedTokens = result.GeneratedTokens, LatentSteps = result.LatentSteps, PromptTokens = result.PromptTokens,
            Seconds = seconds, Agents = result.Agents,
        };
    }

    private static ItemRecord Failed(RunItem item, string error, double seconds) => new()
    {
        Index = item.Index, Id = item.Id, Question = item.Question, Gold = item.Gold, Prediction = null, RawOutput = "",
        Correct = false, Failure = $"not answered: {error}", Collapsed = false, GeneratedTokens = 0, LatentSteps = 0,
        PromptTokens = 0, Seconds = seconds, Agents = [],
    };

    private RunSummary WriteSummary(int total, List<ItemRecord> records, double wall, long tokens, long steps, bool interrupted)
    {
        var summary = new RunSummary
        {
            Method = method.Name,
            Task = scorer.Task,
            Model = ModelInfo,
            Settings = Settings,
            Items = total,
            Done = records.Count,
            Correct = records.Count(r => r.Correct),
            Accuracy = records.Count == 0 ? 0 : (double)records.Count(r => r.Correct) / records.Count,
            CollapseRate = records.Count == 0 ? 0 : (double)records.Count(r => r.Collapsed) / records.Count,
            GeneratedTokens = records.Sum(r => (long)r.GeneratedTokens),
            LatentSteps = records.Sum(r => (long)r.LatentSteps),
            PromptTokens = records.Sum(r => (long)r.PromptTokens),
            WallSeconds = wall,
            TokensPerSecond = wall > 0 ? tokens / wall : 0,
            LatentStepsPerSecond = wall > 0 ? steps / wall : 0,
            PeakMemoryBytes = Process.GetCurrentProcess().PeakWorkingSet64,
            KvCacheBytes = method.KvCacheBytes,
            Interrupted = interrupted || records.Count < total,
        };
        File.WriteAllText(Path.Combine(outputDirectory, SummaryFile), JsonSerializer.Serialize(summary, RunJson.Indented));
        return summary;
    }

    /// <summary>
    /// Finished items of an earlier run. A line that does not parse (a write cut short) is dropped and the
    /// file rewritten without it. Without resume, existing results are an error rather than overwritten.
    /// </summary>
    private static List<ItemRecord> LoadPrevious(string path, bool resume)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return [];
        }
        if (!resume)
        {
            throw new ArgumentException($"{path} already holds results: pass --resume to continue that run, or choose another --output directory.");
        }
        var kept = new List<ItemRecord>();
        var lines = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            try
            {
                if (JsonSerializer.Deserialize<ItemRecord>(line, RunJson.Line) is { } record)
                {
                    kept.Add(record);
                    lines.Add(line);
                }
            }
            catch (JsonException)
            {
                // an incomplete last line from an interrupted write
            }
        }
        File.WriteAllLines(path, lines);
        return kept;
    }

    private void SaveLatents(MethodResult result, RunItem item)
    {
        var dir = Path.Combine(LatentsDirectory!, $"q{item.Index:D5}");
        Directory.CreateDirectory(dir);
        var index = new List<Dictionary<string, object?>>();
        foreach (var agent in result.Latents)
        {
            var tokensFile = $"{agent.Agent}_prompt_tokens.npy";
            NpyWriter.WriteInt32(Path.Combine(dir, tokensFile), agent.PromptTokenIds);
            string? latentsFile = null, hiddenFile = null;
            if (agent.Latents.Count > 0)
            {
                latentsFile = $"{agent.Agent}_latents.npy";
                hiddenFile = $"{agent.Agent}_hidden.npy";
                NpyWriter.WriteFloat32(Path.Combine(dir, latentsFile), agent.Latents, agent.Latents[0].Length);
                NpyWriter.WriteFloat32(Path.Combine(dir, hiddenFile), agent.HiddenStates, agent.HiddenStates[0].Length);
            }
            index.Add(new() { ["agent"] = agent.Agent, ["prompt_tokens"] = tokensFile, ["latents"] = latentsFile, ["hidden"] = hiddenFile, ["steps"] = agent.Latents.Count });
        }
        File.WriteAllText(Path.Combine(dir, "index.json"),
            JsonSerializer.Serialize(new { index = item.Index, question = item.Question, agents = index }, RunJson.Indented));
    }
}
