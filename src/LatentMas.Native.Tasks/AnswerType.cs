namespace LatentMas.Native.Tasks;

/// <summary>How a task's answers are extracted from model output and compared with the gold answer.</summary>
public enum AnswerType
{
    /// <summary>A number, compared numerically (commas, currency, units and percent signs are ignored).</summary>
    Number,

    /// <summary>An integer, compared exactly (AIME); a fractional answer is wrong.</summary>
    Integer,

    /// <summary>The letter of one option of a multiple-choice question.</summary>
    Choice,

    /// <summary>A Python program, run against the benchmark's tests in the sandbox.</summary>
    Code,

    /// <summary>Free text, compared after normalisation (case, punctuation, articles, spacing).</summary>
    Text,
}
