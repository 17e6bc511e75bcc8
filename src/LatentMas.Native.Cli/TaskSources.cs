using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LatentMas.Native.Runs;

namespace LatentMas.Native.Cli;

/// <summary>Turns --task and --data into run items and a scorer.</summary>
internal static partial class TaskSources
{
    public static (IReadOnlyList<RunItem> Items, IAnswerScorer Scorer) Load(string task, string? data, int maxSamples)
    {
        if (task != "gsm8k")
        {
            throw new ArgumentException($"Unknown task '{task}'. Known tasks: gsm8k.");
        }
        if (data is null)
        {
            throw new ArgumentException("gsm8k needs --data FILE: a JSONL file with {\"question\": ..., \"answer\": \"... #### 42\"} lines.");
        }
        if (!File.Exists(data))
        {
            throw new FileNotFoundException($"Data file not found: {data}", data);
        }
        var items = new List<RunItem>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(data))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                using var doc = JsonDocument.Parse(line);
                var question = doc.RootElement.GetProperty("question").GetString()!;
                var answer = doc.RootElement.GetProperty("answer").GetString()!;
                var gold = answer.Contains("####") ? answer[(answer.LastIndexOf("####", StringComparison.Ordinal) + 4)..].Trim() : answer.Trim();
                items.Add(new RunItem(items.Count, null, question, gold, Gsm8kScorer.Format));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new ArgumentException($"{data}, line {lineNumber}: not a gsm8k item ({e.Message}); each line needs \"question\" and \"answer\".");
            }
            if (maxSamples > 0 && items.Count >= maxSamples)
            {
                break;
            }
        }
        if (items.Count == 0)
        {
            throw new ArgumentException($"{data} holds no items.");
        }
        return (items, new Gsm8kScorer());
    }

    /// <summary>Numbers: the \boxed{} answer, else the last number; compared as numbers.</summary>
    private sealed partial class Gsm8kScorer : IAnswerScorer
    {
        public const string Format = "Write the final answer as a number inside \\boxed{}.";

        public string Task => "gsm8k";

        public ScoredAnswer Score(RunItem item, string rawOutput)
        {
            var boxed = Boxed().Matches(rawOutput);
            var text = boxed.Count > 0 ? boxed[^1].Groups[1].Value : null;
            var numbers = Number().Matches(text ?? rawOutput);
            if (numbers.Count == 0)
            {
                return new ScoredAnswer(null, false, "no answer found");
            }
            var prediction = numbers[^1].Value.Replace(",", "", StringComparison.Ordinal);
            var ok = decimal.TryParse(prediction, NumberStyles.Float, CultureInfo.InvariantCulture, out var p)
                     && decimal.TryParse(item.Gold.Replace(",", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var g)
                     && p == g;
            return new ScoredAnswer(prediction, ok);
        }

        [GeneratedRegex(@"\\boxed\{([^{}]*)\}")]
        private static partial Regex Boxed();

        [GeneratedRegex(@"-?\d[\d,]*(?:\.\d+)?")]
        private static partial Regex Number();
    }
}
