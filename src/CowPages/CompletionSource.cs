using System;
using System.Collections;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using CowPages.Snapshots;

namespace CowPages;

/// <summary>
/// The snapshot a completer reads when the command line already binds -SnapshotPath, so that -Id, -DifferenceId and
/// -Mapping complete to what the snapshot holds. The last snapshot read is kept while its file is unchanged: a tab
/// press should not decode the whole file again. It is kept weakly, since it holds every pagemap word of the file and a
/// session may go on for days after its last tab press: the collector may take it, and the next press reads it again.
/// </summary>
internal static class CompletionSource
{
    private static readonly object s_lock = new();
    private static (string Path, DateTime Written, long Length, WeakReference<SnapshotSource> Source)? s_last;

    /// <summary>True when -SnapshotPath is bound; <paramref name="snapshot"/> is then the snapshot, or null if it cannot be read.</summary>
    internal static bool TryGetSnapshot(IDictionary fakeBoundParameters, out SnapshotSource? snapshot)
    {
        snapshot = null;
        if (!fakeBoundParameters.Contains("SnapshotPath"))
        {
            return false;
        }
        object? value = fakeBoundParameters["SnapshotPath"];
        value = value is PSObject ps ? ps.BaseObject : value;
        if (value?.ToString() is not { Length: > 0 } path)
        {
            return true;
        }
        try
        {
            string full = Resolve(path);
            var file = new FileInfo(full);
            lock (s_lock)
            {
                if (s_last is { } last && last.Path == full && last.Written == file.LastWriteTimeUtc && last.Length == file.Length
                    && last.Source.TryGetTarget(out SnapshotSource? kept))
                {
                    snapshot = kept;
                    return true;
                }
                snapshot = SnapshotSource.Open(full);
                s_last = (full, file.LastWriteTimeUtc, file.Length, new WeakReference<SnapshotSource>(snapshot));
            }
        }
        catch (Exception e) when (e is ProcfsException or IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            snapshot = null;
        }
        return true;
    }

    /// <summary>
    /// A path relative to PowerShell's current location, which is not the process's working directory. A completer runs
    /// inside the pipeline that completes, so the location is asked for in a nested pipeline of the same runspace.
    /// </summary>
    private static string Resolve(string path)
    {
        if (Runspace.DefaultRunspace is not null)
        {
            try
            {
                using PowerShell nested = PowerShell.Create(RunspaceMode.CurrentRunspace);
                nested.AddScript("param($Path) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)").AddArgument(path);
                if (nested.Invoke<string>() is { Count: 1 } resolved && resolved[0] is { Length: > 0 } full)
                {
                    return full;
                }
            }
            catch (Exception e) when (e is RuntimeException or InvalidOperationException)
            {
                // No usable runspace here: the process's working directory is the best guess.
            }
        }
        return Path.GetFullPath(path);
    }
}
