using LatentMas.Native.Agents;

namespace LatentMas.Native.Methods;

/// <summary>One question given to a method.</summary>
/// <param name="Index">Position of the item in its dataset; seeds its sampler, so results do not depend on batching.</param>
/// <param name="Question">The question text.</param>
/// <param name="AnswerFormat">The task's instruction on how to state the answer.</param>
public sealed record MethodInput(int Index, string Question, string AnswerFormat);

/// <summary>What one agent did for one question.</summary>
/// <param name="Agent">Agent name.</param>
/// <param name="Role">Its role.</param>
/// <param name="PromptTokens">Tokens of its prompt.</param>
/// <param name="LatentSteps">Latent steps it took.</param>
/// <param name="KvBefore">KV cells of the question's sequence before the agent.</param>
/// <param name="KvAfter">KV cells after it (after any --latent-only / --sequential-info-only pruning).</param>
/// <param name="GeneratedTokens">Tokens of text it wrote.</param>
/// <param name="Output">Text it wrote ("" for latent agents).</param>
/// <param name="Milliseconds">Wall time of the agent's turn (shared by the questions of a batch).</param>
public sealed record AgentTrace(
    string Agent, AgentRole Role, int PromptTokens, int LatentSteps, int KvBefore, int KvAfter,
    int GeneratedTokens, string Output, double Milliseconds);

/// <summary>An agent's inputs and thoughts, kept when latents are saved: its prompt tokens and every vector it fed back.</summary>
/// <param name="Agent">Agent name.</param>
/// <param name="PromptTokenIds">Token ids its prompt was decoded from.</param>
/// <param name="Latents">Latent vectors fed back, step by step (each the model's width).</param>
/// <param name="HiddenStates">Final hidden state after each latent step.</param>
public sealed record AgentLatents(string Agent, int[] PromptTokenIds, IReadOnlyList<float[]> Latents, IReadOnlyList<float[]> HiddenStates);

/// <summary>A method's answer to one question.</summary>
/// <param name="Index">The input's index.</param>
/// <param name="RawOutput">The final agent's text.</param>
/// <param name="OutputTokens">The final agent's tokens.</param>
/// <param name="Agents">Per-agent traces, in order.</param>
/// <param name="Latents">Per-agent latents when recording was on, else empty.</param>
public sealed record MethodResult(int Index, string RawOutput, IReadOnlyList<int> OutputTokens, IReadOnlyList<AgentTrace> Agents,
                                  IReadOnlyList<AgentLatents> Latents)
{
    /// <summary>Tokens of text written by all agents.</summary>
    public int GeneratedTokens => Agents.Sum(a => a.GeneratedTokens);

    /// <summary>Latent steps of all agents.</summary>
    public int LatentSteps => Agents.Sum(a => a.LatentSteps);

    /// <summary>Prompt tokens of all agents.</summary>
    public int PromptTokens => Agents.Sum(a => a.PromptTokens);
}

/// <summary>
/// A way of answering questions with agents: baseline, TextMAS, LatentMAS (and later hybrid methods).
/// A method owns its inference context; questions of one call run together (up to its batch size).
/// </summary>
public interface IMethod : IDisposable
{
    /// <summary>The name used on the command line and in results (baseline, text_mas, latent_mas).</summary>
    string Name { get; }

    /// <summary>Most questions one <see cref="Run"/> call takes.</summary>
    int BatchSize { get; }

    /// <summary>Bytes of the KV cache the method holds (0 when it holds none).</summary>
    long KvCacheBytes { get; }

    /// <summary>Answers a batch of questions.</summary>
    IReadOnlyList<MethodResult> Run(IReadOnlyList<MethodInput> batch, CancellationToken cancellationToken = default);
}
