using LatentMas.Native.Runs;
using LatentMas.Native.Tasks;
using LatentMas.Native.Tasks.Data;
using LatentMas.Native.Tasks.Sandbox;
using Spectre.Console;

namespace LatentMas.Native.Cli;

/// <summary>Turns --task, --data and --answer into run items and a scorer, through the tasks library.</summary>
internal static class TaskSources
{
    public static (IReadOnlyList<RunItem> Items, IAnswerScorer Scorer) Load(string task, string? data, int maxSamples, uint seed, string? answer)
    {
        var definition = TaskCatalogue.Get(task, answer is null ? null : TaskCatalogue.ParseAnswerType(answer));
        if (data is not null && !File.Exists(data) && !Directory.Exists(data))
        {
            throw new FileNotFoundException($"Data file not found: {data}", data);
        }
        PythonSandbox? sandbox = null;
        if (definition.AnswerType == AnswerType.Code)
        {
            // Before any model work: code answers cannot be scored without python3.
            if (!PythonSandbox.EnsureAvailable().HasNumpy)
            {
                AnsiConsole.MarkupLine("[yellow]numpy is not installed for python3: the benchmark's tests that import it will fail.[/]");
            }
            sandbox = new PythonSandbox();
        }
        IReadOnlyList<TaskItem> items = [];
        if (data is null)
        {
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn())
                .Start(ctx =>
                {
                    var bar = ctx.AddTask($"dataset {definition.Name}", maxValue: 1);
                    items = TaskDataLoader.LoadOrDownloadAsync(definition, null, new TaskOptions { Seed = (int)seed },
                        progress: new Progress<DownloadProgress>(p => bar.Description = $"dataset {definition.Name}: {p.FileName}")).GetAwaiter().GetResult();
                    bar.Value = 1;
                });
        }
        else
        {
            items = TaskDataLoader.Load(definition, data, new TaskOptions { Seed = (int)seed });
        }
        if (items.Count == 0)
        {
            throw new ArgumentException($"{data ?? definition.Name} holds no items.");
        }
        var chosen = maxSamples > 0 ? items.Take(maxSamples).ToList() : items.ToList();
        var runItems = chosen.Select(i => new RunItem(i.Index, i.Id, i.Question, i.Gold, definition.AnswerFormat)).ToList();
        return (runItems, new TaskScorer(definition, chosen.ToDictionary(i => i.Index), sandbox));
    }

    /// <summary>Scores with the task's own extraction and comparison (code runs in the sandbox).</summary>
    private sealed class TaskScorer(TaskDefinition task, Dictionary<int, TaskItem> items, PythonSandbox? sandbox) : IAnswerScorer
    {
        public string Task => task.Name;

        public ScoredAnswer Score(RunItem item, string rawOutput)
        {
            var score = task.Score(items[item.Index], rawOutput, sandbox);
            return new ScoredAnswer(score.Prediction, score.Correct, score.Failure);
        }
    }
}
