namespace LatentMas.Native.Agents;

/// <summary>What an agent does in a pipeline.</summary>
public enum AgentRole
{
    /// <summary>Lays out a plan (sequential pipeline, first seat).</summary>
    Planner,
    /// <summary>Checks the plan (sequential, second seat).</summary>
    Critic,
    /// <summary>Improves the solution path (sequential, third seat).</summary>
    Refiner,
    /// <summary>Writes the final answer (sequential, last seat).</summary>
    Judger,
    /// <summary>Mathematics specialist (hierarchical).</summary>
    MathSpecialist,
    /// <summary>Science specialist (hierarchical).</summary>
    ScienceSpecialist,
    /// <summary>Programming specialist (hierarchical).</summary>
    CodeSpecialist,
    /// <summary>Combines the specialists and writes the final answer (hierarchical, last seat).</summary>
    Summarizer,
}

/// <summary>How agents are arranged.</summary>
public enum PromptStyle
{
    /// <summary>Planner, critic, refiner, judger.</summary>
    Sequential,
    /// <summary>Math, science and code specialists, then a summarizer.</summary>
    Hierarchical,
}

/// <summary>One agent: a name and a role. Only the last agent of a pipeline writes the answer.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Role">Role.</param>
public sealed record Agent(string Name, AgentRole Role)
{
    /// <summary>Whether this agent writes the final answer.</summary>
    public bool WritesAnswer => Role is AgentRole.Judger or AgentRole.Summarizer;
}

/// <summary>The agents of each prompt style, in order.</summary>
public static class AgentPipelines
{
    /// <summary>Agents of <paramref name="style"/>; the last one writes the answer.</summary>
    public static IReadOnlyList<Agent> For(PromptStyle style) => style switch
    {
        PromptStyle.Sequential =>
        [
            new("planner", AgentRole.Planner), new("critic", AgentRole.Critic),
            new("refiner", AgentRole.Refiner), new("judger", AgentRole.Judger),
        ],
        PromptStyle.Hierarchical =>
        [
            new("math", AgentRole.MathSpecialist), new("science", AgentRole.ScienceSpecialist),
            new("code", AgentRole.CodeSpecialist), new("summarizer", AgentRole.Summarizer),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(style), style, "Unknown prompt style."),
    };
}
