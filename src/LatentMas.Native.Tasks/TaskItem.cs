namespace LatentMas.Native.Tasks;

/// <summary>One question of a benchmark, built from one row of its data.</summary>
public sealed record TaskItem
{
    /// <summary>Position of the row in the data file (stable across runs of the same file).</summary>
    public required int Index { get; init; }

    /// <summary>The dataset's own id when it has one, otherwise the index as text.</summary>
    public required string Id { get; init; }

    /// <summary>The question as agents see it: the problem, and the lettered options for multiple choice.</summary>
    public required string Question { get; init; }

    /// <summary>The question field of the source row before any formatting (used to match predictions).</summary>
    public required string SourceText { get; init; }

    /// <summary>Reference answer: a number, an option letter, normalised text, or a test summary for code.</summary>
    public required string Gold { get; init; }

    /// <summary>Option texts in the order shown (option i has letter 'A' + i); empty unless multiple choice.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>What the sandbox runs for code tasks; null otherwise.</summary>
    public CodeTest? Test { get; init; }

    /// <summary>Valid option letters, e.g. "ABCD"; empty unless multiple choice.</summary>
    public string ChoiceLetters => Choices.Count == 0 ? "" : new string([.. Enumerable.Range(0, Choices.Count).Select(i => (char)('A' + i))]);
}

/// <summary>How to test a program written for a code task.</summary>
/// <param name="Setup">Code placed before the solution (imports the tests need).</param>
/// <param name="TestCode">Code placed after the solution; it raises when the solution is wrong.</param>
/// <param name="EntryPoint">Name of the function under test, when the benchmark names one.</param>
/// <param name="Signature">The given function header and docstring, put in front of a solution that lacks the entry point.</param>
public sealed record CodeTest(string Setup, string TestCode, string? EntryPoint = null, string? Signature = null);
