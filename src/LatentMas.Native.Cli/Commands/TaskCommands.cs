using System.CommandLine;
using LatentMas.Native.Tasks;
using LatentMas.Native.Tasks.Scoring;
using Spectre.Console;

namespace LatentMas.Native.Cli.Commands;

/// <summary>latentmas tasks (the benchmarks and their data) and latentmas score (re-score saved outputs).</summary>
internal static class TaskCommands
{
    public static Command Tasks()
    {
        var command = new Command("tasks", "List the tasks with their data source and answer type.");
        command.SetAction(_ => CommandRunner.Run(() =>
        {
            var table = new Table().AddColumns("task", "answer", "data", "description");
            foreach (var t in TaskCatalogue.Describe())
            {
                table.AddRow(t.Name, t.Name == "custom" ? "--answer" : t.AnswerType.ToString().ToLowerInvariant(),
                    Markup.Escape(t.Source), Markup.Escape(t.Description));
            }
            AnsiConsole.Write(table);
            return CommandRunner.Ok;
        }, native: false));
        return command;
    }

    public static Command Score()
    {
        var task = new Option<string>("--task") { Description = "Task name (see 'latentmas tasks').", Required = true };
        var data = new Option<FileInfo>("--data") { Description = "The task's data file (the one the predictions answer).", Required = true };
        var predictions = new Option<FileInfo>("--predictions") { Description = "JSONL with a question id or text and a raw output per line (a run's results.jsonl works).", Required = true };
        var answer = new Option<string?>("--answer") { Description = "For --task custom: number, integer, choice or text." };
        var seed = new Option<int>("--seed") { Description = "Seed of the run (multiple-choice options are shuffled by it).", DefaultValueFactory = _ => 42 };
        var items = new Option<bool>("--items") { Description = "Also list every item's result." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var command = new Command("score", "Score saved raw outputs again without running a model.") { task, data, predictions, answer, seed, items, json };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var options = new ScoreOptions
            {
                Task = new TaskOptions { Seed = parse.GetValue(seed) },
                CustomAnswer = parse.GetValue(answer) is { } a ? TaskCatalogue.ParseAnswerType(a) : null,
            };
            var summary = Scorer.ScoreFile(parse.GetValue(task)!, parse.GetValue(data)!.FullName, parse.GetValue(predictions)!.FullName, options);
            Console.WriteLine(parse.GetValue(json) ? summary.ToJson() : summary.ToText(parse.GetValue(items)));
            return CommandRunner.Ok;
        }, native: false));
        return command;
    }
}
