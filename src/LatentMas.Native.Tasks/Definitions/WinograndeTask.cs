using System.Globalization;
using System.Text.Json.Nodes;
using LatentMas.Native.Tasks.Data;

namespace LatentMas.Native.Tasks.Definitions;

/// <summary>
/// WinoGrande pronoun/blank resolution: two options for the "_" in a sentence. Columns: <c>sentence</c>,
/// <c>option1</c>, <c>option2</c>, <c>answer</c> ("1" or "2"). The test split is unlabelled, so the validation split is used.
/// </summary>
public sealed class WinograndeTask : ChoiceTask
{
    /// <inheritdoc />
    public override string Name => "winogrande";

    /// <inheritdoc />
    public override string Description => "WinoGrande commonsense fill-in-the-blank; 2 options";

    /// <inheritdoc />
    public override DataSource Source { get; } = new("allenai/winogrande", "winogrande_debiased", "validation");

    /// <inheritdoc />
    public override string AnswerFormat => "Write the letter of the option that fills the blank inside \\boxed{}, e.g. \\boxed{A}.";

    /// <inheritdoc />
    public override TaskItem BuildItem(JsonObject row, int index, TaskOptions options)
    {
        var sentence = row.Require(Name, index, "sentence").Trim();
        string[] choices = [row.Require(Name, index, "option1").Trim(), row.Require(Name, index, "option2").Trim()];
        var answer = row.Text("answer")?.Trim();
        if (string.IsNullOrEmpty(answer))
            throw new DataFormatException($"{Name}: row {index} has no answer (the test split is unlabelled; use the validation split).");
        return new TaskItem
        {
            Index = index,
            Id = row.Text("id", "qID") ?? index.ToString(CultureInfo.InvariantCulture),
            Question = WithOptions($"Which option correctly fills the blank (_) in this sentence?\n\n{sentence}", choices),
            SourceText = sentence,
            Gold = GoldLetter(answer, "AB", choices, index),
            Choices = choices,
        };
    }
}
