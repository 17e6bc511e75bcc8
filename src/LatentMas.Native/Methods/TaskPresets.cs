namespace LatentMas.Native.Methods;

/// <summary>Default latent steps and realignment of one task.</summary>
/// <param name="Task">Task name.</param>
/// <param name="LatentSteps">Latent steps per agent.</param>
/// <param name="Realign">Whether the ridge realignment is on.</param>
public sealed record TaskPreset(string Task, int LatentSteps, bool Realign);

/// <summary>
/// The per-task defaults in one place. The command-line flags override them (and the run summary records
/// which value was used and where it came from). These are starting points, not tuned values.
/// </summary>
public static class TaskPresets
{
    /// <summary>All presets; tasks not listed use <see cref="Fallback"/>.</summary>
    public static IReadOnlyList<TaskPreset> All { get; } =
    [
        new("gsm8k", 20, false),
        new("aime2024", 40, false),
        new("aime2025", 40, false),
        new("gpqa", 20, true),
        new("arc_easy", 10, false),
        new("arc_challenge", 10, false),
        new("winogrande", 10, false),
        new("mbppplus", 20, true),
        new("humanevalplus", 20, true),
        new("medqa", 20, false),
    ];

    /// <summary>Defaults for tasks without a preset (custom data).</summary>
    public static TaskPreset Fallback { get; } = new("*", 10, false);

    /// <summary>The preset of <paramref name="task"/>.</summary>
    public static TaskPreset For(string task) =>
        All.FirstOrDefault(p => string.Equals(p.Task, task, StringComparison.OrdinalIgnoreCase)) ?? Fallback with { Task = task };
}
