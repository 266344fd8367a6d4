using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using CowPages.Snapshots;
using CowPages.Sources;
using CowPages.Sources.Live;

namespace CowPages;

/// <summary>
/// Completes <c>-Mapping</c> to the mapping names of the process named by <c>-Id</c> (or <c>-DifferenceId</c>), in the
/// snapshot of -SnapshotPath when it is bound.
/// </summary>
public sealed class MappingNameCompleter : IArgumentCompleter
{
    private static readonly string[] ProcessParameters = { "Id", "PID", "ProcessId", "DifferenceId", "ReferenceId" };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        int? pid = ProcessParameters
            .Where(fakeBoundParameters.Contains)
            .Select(name => FirstPid(fakeBoundParameters[name]))
            .FirstOrDefault(p => p is not null);
        if (pid is null)
        {
            return Array.Empty<CompletionResult>();
        }

        IReadOnlyList<MemoryMapping> mappings;
        try
        {
            IProcfsSource source;
            if (CompletionSource.TryGetSnapshot(fakeBoundParameters, out SnapshotSource? snapshot))
            {
                if (snapshot is null)
                {
                    return Array.Empty<CompletionResult>();
                }
                source = snapshot;
            }
            else
            {
                source = LiveProcfsSource.Open();
            }
            using IProcessSource process = source.OpenProcess(pid.Value);
            mappings = process.ReadMaps();
        }
        catch (ProcfsException)
        {
            return Array.Empty<CompletionResult>();
        }
        var pattern = WildcardPattern.Get(MappingFilter.EscapeBrackets(wordToComplete.Trim('\'', '"')) + "*", WildcardOptions.IgnoreCase);
        return mappings
            .Select(m => m.Name)
            .Distinct(StringComparer.Ordinal)
            .Where(pattern.IsMatch)
            .OrderBy(name => name, StringComparer.Ordinal)
            .Select(name => new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, name));
    }

    private static int? FirstPid(object? value)
    {
        object? first = value is IEnumerable list and not string ? list.Cast<object?>().FirstOrDefault() : value;
        first = first is PSObject ps ? ps.BaseObject : first;
        return first is not null && int.TryParse(first.ToString(), out int pid) ? pid : null;
    }

    /// <summary>Mapping names may contain spaces; -Mapping takes their brackets literally.</summary>
    private static string Quote(string name) => "'" + name.Replace("'", "''") + "'";
}
