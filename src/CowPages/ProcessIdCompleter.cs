using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Language;
using CowPages.Snapshots;
using CowPages.Sources;

namespace CowPages;

/// <summary>
/// Completes a PID parameter to the live processes, shown as <c>PID: command</c>, the current process first; with
/// -SnapshotPath bound, to the snapshot's processes.
/// </summary>
public sealed class ProcessIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (CompletionSource.TryGetSnapshot(fakeBoundParameters, out SnapshotSource? snapshot))
        {
            return snapshot is null ? Array.Empty<CompletionResult>() : FromSnapshot(snapshot, wordToComplete);
        }
        return FromProc(wordToComplete);
    }

    private static IEnumerable<CompletionResult> FromSnapshot(SnapshotSource snapshot, string wordToComplete)
    {
        foreach (int pid in snapshot.ProcessIds())
        {
            if (!pid.ToString().StartsWith(wordToComplete, StringComparison.Ordinal))
            {
                continue;
            }
            string name;
            try
            {
                using IProcessSource process = snapshot.OpenProcess(pid);
                name = process.ReadStatus().Name;
            }
            catch (ProcfsException)
            {
                name = "?";
            }
            string label = $"{pid}: {name}";
            yield return new CompletionResult(pid.ToString(), label, CompletionResultType.ParameterValue, label);
        }
    }

    private static IEnumerable<CompletionResult> FromProc(string wordToComplete)
    {
        int self = Environment.ProcessId;
        var pids = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out int pid) && pid.ToString().StartsWith(wordToComplete, StringComparison.Ordinal))
            {
                pids.Add(pid);
            }
        }
        pids.Sort((a, b) => a == self ? -1 : b == self ? 1 : a.CompareTo(b));
        foreach (int pid in pids)
        {
            string name = ReadComm(pid);
            if (name.Length == 0)
            {
                continue;
            }
            string label = pid == self ? $"{pid}: {name} (current process)" : $"{pid}: {name}";
            yield return new CompletionResult(pid.ToString(), label, CompletionResultType.ParameterValue, label);
        }
    }

    private static string ReadComm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
