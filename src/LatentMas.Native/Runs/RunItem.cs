namespace LatentMas.Native.Runs;

/// <summary>One question of a run, with what scoring needs.</summary>
/// <param name="Index">Position in the dataset (stable across runs: resume and seeds use it).</param>
/// <param name="Id">The dataset's own id, when it has one.</param>
/// <param name="Question">Question text given to the agents.</param>
/// <param name="Gold">Reference answer, as text.</param>
/// <param name="AnswerFormat">The task's instruction on how to state the answer.</param>
public sealed record RunItem(int Index, string? Id, string Question, string Gold, string AnswerFormat);

/// <summary>A scored answer.</summary>
/// <param name="Prediction">The answer extracted from the raw output, or null when none was found.</param>
/// <param name="Correct">Whether it matches the gold answer.</param>
/// <param name="Failure">Why it failed when that is more than a wrong answer (no answer found, a code error...).</param>
public sealed record ScoredAnswer(string? Prediction, bool Correct, string? Failure = null);

/// <summary>Extracts and judges answers for one task.</summary>
public interface IAnswerScorer
{
    /// <summary>Task name for the summary.</summary>
    string Task { get; }

    /// <summary>Scores <paramref name="rawOutput"/> against <paramref name="item"/>'s gold answer.</summary>
    ScoredAnswer Score(RunItem item, string rawOutput);
}
