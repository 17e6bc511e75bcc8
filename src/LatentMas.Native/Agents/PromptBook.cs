using LatentMas.Native.Llama;

namespace LatentMas.Native.Agents;

/// <summary>
/// The prompts of every role, written for this project. <see cref="Version"/> goes into every run summary:
/// change it whenever a prompt's wording changes, since results depend on it.
/// </summary>
public static class PromptBook
{
    /// <summary>Version of the wording below.</summary>
    public const string Version = "prompts-v1";

    private const string TeamSystem =
        "You are one member of a team of reasoning agents working on the same problem. Be precise and brief.";

    /// <summary>
    /// Messages of an agent. <paramref name="earlierNotes"/> carries the text of earlier agents (TextMAS);
    /// latent agents get none, as the earlier agents' thoughts are already in the shared KV cache.
    /// </summary>
    public static IReadOnlyList<ChatMessage> ForAgent(Agent agent, string question, string answerFormat,
                                                      IReadOnlyList<(Agent Agent, string Text)>? earlierNotes = null)
    {
        var notes = earlierNotes is { Count: > 0 }
            ? "Notes from the agents before you:\n" + string.Join("\n\n", earlierNotes.Select(n => $"[{n.Agent.Name}]\n{n.Text}")) + "\n\n"
            : "";
        var task = agent.Role switch
        {
            AgentRole.Planner => "Your part: write a numbered plan for solving it. Name the quantities involved and the order of the steps. Do not compute the final answer.",
            AgentRole.Critic => "Your part: the planner has already thought about this problem. Look for wrong assumptions, missing steps and arithmetic traps in that plan, and say how to correct each.",
            AgentRole.Refiner => "Your part: using the plan and the critique that came before you, write the corrected, complete sequence of steps that leads to the answer.",
            AgentRole.MathSpecialist => "Your part: analyse the problem as a mathematician. Set up the equations or the counting argument and carry them as far as you can.",
            AgentRole.ScienceSpecialist => "Your part: analyse the problem as a scientist. Identify the principles, units and facts it rests on, and check that they are used correctly.",
            AgentRole.CodeSpecialist => "Your part: analyse the problem as a programmer. Describe an algorithm that computes the answer and the edge cases it must handle.",
            AgentRole.Judger => "Your part: the other agents' reasoning came before you. Solve the problem carefully, step by step, then state the final answer. " + answerFormat,
            AgentRole.Summarizer => "Your part: combine what the specialists worked out before you into one consistent solution, resolve any disagreement, then state the final answer. " + answerFormat,
            _ => throw new ArgumentOutOfRangeException(nameof(agent)),
        };
        return
        [
            new ChatMessage("system", TeamSystem),
            new ChatMessage("user", $"{notes}Problem:\n{question}\n\n{task}"),
        ];
    }

    /// <summary>Messages of the single-agent baseline.</summary>
    public static IReadOnlyList<ChatMessage> ForBaseline(string question, string answerFormat) =>
    [
        new ChatMessage("system", "You are a careful problem solver."),
        new ChatMessage("user", $"Problem:\n{question}\n\nSolve it step by step, then state the final answer. {answerFormat}"),
    ];
}
