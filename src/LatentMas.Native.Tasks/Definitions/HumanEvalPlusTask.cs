using System.Globalization;
using System.Text.Json.Nodes;
using LatentMas.Native.Tasks.Data;

namespace LatentMas.Native.Tasks.Definitions;

/// <summary>
/// HumanEval+ (EvalPlus) function completion. Columns: <c>task_id</c>, <c>prompt</c> (imports, signature and
/// docstring), <c>canonical_solution</c>, <c>entry_point</c>, <c>test</c> (defines <c>check(candidate)</c>). The
/// prompt's imports are put before the solution, and <c>check(entry_point)</c> is called after the tests.
/// </summary>
public sealed class HumanEvalPlusTask : CodeTask
{
    /// <inheritdoc />
    public override string Name => "humanevalplus";

    /// <inheritdoc />
    public override string Description => "HumanEval+ Python function completion (EvalPlus tests run in the sandbox)";

    /// <inheritdoc />
    public override DataSource Source { get; } = new("evalplus/humanevalplus", "default", "test");

    /// <inheritdoc />
    public override TaskItem BuildItem(JsonObject row, int index, TaskOptions options)
    {
        var prompt = row.Require(Name, index, "prompt");
        var entry = row.Require(Name, index, "entry_point").Trim();
        var test = row.Require(Name, index, "test");
        // The prompt's own imports (e.g. "from typing import List") are needed by solutions that repeat the signature.
        var imports = prompt.Split('\n')
            .Where(l => l.StartsWith("import ", StringComparison.Ordinal) || l.StartsWith("from ", StringComparison.Ordinal))
            .ToList();
        return new TaskItem
        {
            Index = index,
            Id = row.Text("task_id") ?? index.ToString(CultureInfo.InvariantCulture),
            Question = $"Complete the following Python function so that it does what its docstring says.\n\n```python\n{prompt.TrimEnd()}\n```",
            SourceText = prompt.Trim(),
            Gold = PassGold,
            Test = new CodeTest(string.Join('\n', imports), $"{test.TrimEnd()}\n\n\ncheck({entry})\n", entry, prompt),
        };
    }
}
