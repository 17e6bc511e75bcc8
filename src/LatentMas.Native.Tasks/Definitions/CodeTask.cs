using LatentMas.Native.Tasks.Sandbox;
using LatentMas.Native.Tasks.Scoring;

namespace LatentMas.Native.Tasks.Definitions;

/// <summary>Base of code tasks: the last fenced Python block is run with the benchmark's tests in <see cref="PythonSandbox"/>.</summary>
public abstract class CodeTask : TaskDefinition
{
    /// <summary>Gold text of code items: they have no single answer, the tests decide.</summary>
    public const string PassGold = "pass";

    /// <inheritdoc />
    public override AnswerType AnswerType => AnswerType.Code;

    /// <inheritdoc />
    public override string AnswerFormat =>
        "Write the complete solution as one self-contained Python program in a single ```python code block, keeping the " +
        "function name and signature asked for; do not include tests, example usage or input().";

    /// <inheritdoc />
    public override string? ExtractAnswer(TaskItem item, string rawOutput) => CodeAnswer.ExtractLastPythonBlock(rawOutput);

    /// <inheritdoc />
    public override async Task<ItemScore> ScoreAsync(TaskItem item, string rawOutput, PythonSandbox? sandbox = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(rawOutput);
        var code = ExtractAnswer(item, rawOutput);
        if (code is null)
        {
            var none = SandboxResult.NoCode();
            return new ItemScore(null, false, $"{none.Failure}: {none.Detail}", none);
        }
        var test = item.Test ?? throw new InvalidOperationException($"{Name}: item {item.Id} has no tests.");
        var result = await (sandbox ?? new PythonSandbox()).RunTestAsync(code, test, ct).ConfigureAwait(false);
        return new ItemScore(code, result.Passed, result.Passed ? null : $"{result.Failure}: {result.Detail}", result);
    }

    /// <summary>Runs the program with the default sandbox and reports whether the tests passed.</summary>
    public override bool IsCorrect(TaskItem item, string prediction)
    {
        var test = item.Test ?? throw new InvalidOperationException($"{Name}: item {item.Id} has no tests.");
        return new PythonSandbox().RunTestAsync(prediction, test).GetAwaiter().GetResult().Passed;
    }
}
