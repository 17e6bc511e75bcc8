using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LatentMas.Native.Tasks.Data;

namespace LatentMas.Native.Tasks.Definitions;

/// <summary>
/// MBPP+ (EvalPlus) basic Python programming. Columns: <c>task_id</c>, <c>prompt</c> (the problem), <c>code</c>
/// (reference), <c>test_imports</c>, <c>test_list</c> (the original asserts, three of which are shown to the model),
/// <c>test</c> (EvalPlus's extended tests, run after the solution; the asserts are run when it is empty).
/// </summary>
public sealed partial class MbppPlusTask : CodeTask
{
    /// <inheritdoc />
    public override string Name => "mbppplus";

    /// <inheritdoc />
    public override string Description => "MBPP+ Python programming (EvalPlus tests run in the sandbox)";

    /// <inheritdoc />
    public override DataSource Source { get; } = new("evalplus/mbppplus", "default", "test");

    /// <inheritdoc />
    public override TaskItem BuildItem(JsonObject row, int index, TaskOptions options)
    {
        var prompt = row.Require(Name, index, "prompt", "text").Trim();
        var asserts = row.TextList("test_list");
        var imports = row.TextList("test_imports");
        var tests = row.Text("test");
        if (string.IsNullOrWhiteSpace(tests))
            tests = string.Join('\n', asserts);
        if (string.IsNullOrWhiteSpace(tests))
            throw new DataFormatException($"{Name}: row {index} has neither 'test' nor 'test_list'.");

        var question = new StringBuilder(prompt);
        var examples = asserts.Where(a => !prompt.Contains(a.Trim(), StringComparison.Ordinal)).Take(3).ToList();
        if (examples.Count > 0)
            question.Append("\n\nYour code should pass tests like these:\n").AppendJoin('\n', examples.Select(a => a.Trim()));

        var entry = asserts.Select(a => AssertCall().Match(a)).FirstOrDefault(m => m.Success)?.Groups[1].Value
                    ?? (row.Text("code") is { } code && DefName().Match(code) is { Success: true } d ? d.Groups[1].Value : null);
        return new TaskItem
        {
            Index = index,
            Id = row.Text("task_id") ?? index.ToString(CultureInfo.InvariantCulture),
            Question = question.ToString(),
            SourceText = prompt,
            Gold = PassGold,
            Test = new CodeTest(string.Join('\n', imports), tests, entry),
        };
    }

    [GeneratedRegex(@"assert\s+(?:not\s+)?\(?\s*(?:set\s*\(|math\.isclose\s*\()?\s*([A-Za-z_]\w*)\s*\(")]
    private static partial Regex AssertCall();

    [GeneratedRegex(@"(?m)^def\s+([A-Za-z_]\w*)\s*\(")]
    private static partial Regex DefName();
}
