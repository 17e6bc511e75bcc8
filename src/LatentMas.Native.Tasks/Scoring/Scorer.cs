using System.Collections.Concurrent;
using LatentMas.Native.Tasks.Data;
using LatentMas.Native.Tasks.Sandbox;

namespace LatentMas.Native.Tasks.Scoring;

/// <summary>
/// Re-scores saved model outputs: each prediction is matched to an item by id, else by question text, else by
/// index; its answer is extracted and judged with the task's rules (code runs in the sandbox).
/// </summary>
public static class Scorer
{
    /// <summary>
    /// Scores <paramref name="predictionsPath"/> (e.g. a run's <c>results.jsonl</c>) against the items of
    /// <paramref name="dataPath"/> for task <paramref name="taskName"/>: what <c>latentmas score</c> does.
    /// </summary>
    /// <exception cref="UnknownTaskException">No such task.</exception>
    /// <exception cref="DataFormatException">A file cannot be read, or is not in the expected layout.</exception>
    /// <exception cref="PythonNotFoundException">A code task and no python3.</exception>
    public static async Task<ScoreSummary> ScoreFileAsync(string taskName, string dataPath, string predictionsPath,
                                                          ScoreOptions? options = null, CancellationToken ct = default)
    {
        options ??= ScoreOptions.Default;
        var task = TaskCatalogue.Get(taskName, options.CustomAnswer);
        if (task.AnswerType == AnswerType.Code)
            PythonSandbox.EnsureAvailable(options.Sandbox.Python);
        var items = await TaskDataLoader.LoadAsync(task, dataPath, options.Task, ct).ConfigureAwait(false);
        var predictions = await PredictionRecord.ReadAsync(predictionsPath, ct).ConfigureAwait(false);
        return await ScoreAsync(task, items, predictions, options, ct).ConfigureAwait(false);
    }

    /// <summary>Synchronous form of <see cref="ScoreFileAsync"/>.</summary>
    public static ScoreSummary ScoreFile(string taskName, string dataPath, string predictionsPath, ScoreOptions? options = null) =>
        ScoreFileAsync(taskName, dataPath, predictionsPath, options).GetAwaiter().GetResult();

    /// <summary>Scores predictions against items already loaded.</summary>
    public static async Task<ScoreSummary> ScoreAsync(TaskDefinition task, IReadOnlyList<TaskItem> items,
                                                      IEnumerable<PredictionRecord> predictions, ScoreOptions? options = null,
                                                      CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(predictions);
        options ??= ScoreOptions.Default;

        var byId = new Dictionary<string, TaskItem>(StringComparer.Ordinal);
        var byText = new Dictionary<string, TaskItem>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            byId.TryAdd(item.Id, item);
            byText.TryAdd(Key(item.SourceText), item);
            byText.TryAdd(Key(item.Question), item);
        }

        var chosen = new Dictionary<int, PredictionRecord>();
        int read = 0, unmatched = 0, duplicates = 0, otherTask = 0;
        foreach (var p in predictions)
        {
            if (p.Task is { Length: > 0 } t && !SameTask(t, task.Name))
            {
                otherTask++;
                continue;
            }
            read++;
            var item = (p.Id is not null && byId.TryGetValue(p.Id, out var a)) ? a
                : (p.Question is not null && byText.TryGetValue(Key(p.Question), out var b)) ? b
                : (p.Index is int i && i >= 0 && i < items.Count) ? items[i]
                : null;
            if (item is null)
            {
                unmatched++;
                continue;
            }
            if (!chosen.TryAdd(item.Index, p))
            {
                duplicates++;
                chosen[item.Index] = p;
            }
        }

        var itemAt = items.ToDictionary(x => x.Index);
        var sandbox = new PythonSandbox(options.Sandbox);
        var results = new ConcurrentDictionary<int, ItemResult>();
        using var gate = new SemaphoreSlim(Math.Max(1, options.Parallelism));
        var work = chosen.Select(async pair =>
        {
            var item = itemAt[pair.Key];
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var score = await task.ScoreAsync(item, pair.Value.RawOutput, sandbox, ct).ConfigureAwait(false);
                var result = new ItemResult(item.Index, item.Id, item.Gold, score.Prediction, pair.Value.RawOutput, score.Correct,
                                            score.Failure, score.CodeFailure, pair.Value.Line);
                results[item.Index] = result;
                options.Progress?.Report(result);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(work).ConfigureAwait(false);

        var ordered = results.Values.OrderBy(r => r.Index).ToList();
        var failures = ordered.Where(r => !r.Correct && r.Failure is not null)
            .GroupBy(r => r.CodeFailure?.ToString() ?? r.Failure!)
            .ToDictionary(g => g.Key, g => g.Count());
        return new ScoreSummary
        {
            Task = task.Name,
            AnswerType = task.AnswerType,
            Items = items.Count,
            Predictions = read,
            Scored = ordered.Count,
            Correct = ordered.Count(r => r.Correct),
            NoAnswer = ordered.Count(r => r.Prediction is null),
            Missing = items.Count - ordered.Count,
            Unmatched = unmatched,
            Duplicates = duplicates,
            OtherTask = otherTask,
            Failures = failures,
            Results = ordered,
        };
    }

    private static bool SameTask(string a, string b)
    {
        try
        {
            return string.Equals(TaskCatalogue.Get(a).Name, b, StringComparison.OrdinalIgnoreCase);
        }
        catch (UnknownTaskException)
        {
            return string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Question text compared with whitespace collapsed.</summary>
    private static string Key(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
