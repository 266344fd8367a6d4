using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using CowPages.Decoding;

namespace CowPages.Sources.Live;

/// <summary>
/// Finds a process's children. The kernel lists each thread's children in <c>/proc/PID/task/TID/children</c>, but
/// only with CONFIG_PROC_CHILDREN, which many kernels (this project's among them) leave out; there the PPid field
/// of every process's <c>stat</c> is read instead, a few microseconds a process.
/// </summary>
internal static class ChildProcessFinder
{
    private static readonly Lazy<bool> s_childrenFiles = new(() => File.Exists("/proc/thread-self/children"));

    /// <summary>The children of <paramref name="parentId"/>, ascending; processes that vanish meanwhile are left out.</summary>
    public static IReadOnlyList<int> Find(int parentId)
    {
        List<int> children = s_childrenFiles.Value ? FromChildrenFiles(parentId) : FromParentIds(parentId);
        children.Sort();
        return children;
    }

    private static List<int> FromChildrenFiles(int parentId)
    {
        var children = new List<int>();
        IEnumerable<string> threads;
        try
        {
            threads = Directory.EnumerateDirectories($"/proc/{parentId}/task");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return children;
        }
        foreach (string thread in threads)
        {
            try
            {
                // A thread's children file is " "-separated PIDs; a child forked by any thread is the process's child.
                foreach (string field in File.ReadAllText(Path.Combine(thread, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out int child) && !children.Contains(child))
                    {
                        children.Add(child);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread exited meanwhile.
            }
        }
        return children;
    }

    private static List<int> FromParentIds(int parentId)
    {
        var children = new List<int>();
        foreach ((int pid, int parent) in ParentIds())
        {
            if (parent == parentId && pid != parentId)
            {
                children.Add(pid);
            }
        }
        return children;
    }

    /// <summary>
    /// Every process's PPid from its <c>stat</c>, whatever its PID: after the PID counter wraps, a child may have a
    /// smaller one than its parent. A process that exits between the listing and the read is left out.
    /// </summary>
    public static Dictionary<int, int> ParentIds()
    {
        var parents = new Dictionary<int, int>();
        Span<byte> line = stackalloc byte[LiveProcess.StatBytes];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }
            string path = $"/proc/{pid}/stat";
            try
            {
                int length = ProcfsFile.ReadInto(path, line, pid);
                parents[pid] = StatParser.Parse(line[..length], path, pid).ParentId;
            }
            catch (ProcfsException)
            {
                // The process exited between the directory listing and the read.
            }
        }
        return parents;
    }
}
