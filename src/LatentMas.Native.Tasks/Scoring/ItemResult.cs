using LatentMas.Native.Tasks.Sandbox;

namespace LatentMas.Native.Tasks.Scoring;

/// <summary>The score of one item in a re-scoring run.</summary>
/// <param name="Index">Item position in the data.</param>
/// <param name="Id">Item id.</param>
/// <param name="Gold">Gold answer.</param>
/// <param name="Prediction">Extracted answer (the program, for code), or null.</param>
/// <param name="RawOutput">The model's raw output.</param>
/// <param name="Correct">Whether it is right.</param>
/// <param name="Failure">Why it failed beyond a wrong answer, or null.</param>
/// <param name="CodeFailure">Sandbox failure reason, for code tasks.</param>
/// <param name="PredictionLine">Line of the predictions file it came from.</param>
public sealed record ItemResult(int Index, string Id, string Gold, string? Prediction, string RawOutput, bool Correct,
                                string? Failure, SandboxFailure? CodeFailure, int PredictionLine);
