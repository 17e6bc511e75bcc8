using System.Text.Json.Nodes;
using LatentMas.Native.Tasks.Data;

namespace LatentMas.Native.Tasks.Scoring;

/// <summary>One model answer to be scored: a line of a predictions file such as a run's <c>results.jsonl</c>.</summary>
/// <param name="Line">1-based position in the file.</param>
/// <param name="Id">Question id (<c>id</c>, <c>question_id</c>, <c>qid</c>, <c>task_id</c>), if given.</param>
/// <param name="Index">Dataset position (<c>index</c>, <c>idx</c>), if given.</param>
/// <param name="Question">Question text (<c>question</c>, <c>problem</c>, <c>prompt</c>), if given.</param>
/// <param name="RawOutput">The model's raw output (<c>raw_output</c>, <c>output</c>, <c>response</c>, ...; <c>prediction</c> as a last resort).</param>
/// <param name="Task">Task name (<c>task</c>), if given: lines of other tasks are skipped.</param>
public sealed record PredictionRecord(int Line, string? Id, int? Index, string? Question, string RawOutput, string? Task = null)
{
    private static readonly string[] RawColumns =
        ["raw_output", "rawOutput", "output", "raw", "response", "completion", "generation", "model_output", "text", "prediction"];

    /// <summary>Reads a predictions file (JSONL; a JSON array or Parquet file works too).</summary>
    /// <exception cref="DataFormatException">The file cannot be read, or a line has no output field.</exception>
    public static async Task<IReadOnlyList<PredictionRecord>> ReadAsync(string path, CancellationToken ct = default)
    {
        var rows = await TaskDataLoader.ReadRowsAsync(path, ct).ConfigureAwait(false);
        return [.. rows.Select((row, i) => FromRow(row, i + 1, path))];
    }

    /// <summary>Reads one row.</summary>
    internal static PredictionRecord FromRow(JsonObject row, int line, string path)
    {
        var raw = row.Text(RawColumns)
            ?? throw new DataFormatException($"{path}, line {line}: no output field (expected one of {string.Join(", ", RawColumns)}).");
        int? index = int.TryParse(row.Text("index", "idx"), out var i) ? i : null;
        return new PredictionRecord(line, row.Text("id", "question_id", "qid", "task_id"), index,
                                    row.Text("question", "problem", "prompt"), raw, row.Text("task"));
    }
}
