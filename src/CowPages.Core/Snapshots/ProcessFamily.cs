using System.Collections.Generic;
using CowPages.Sources;

namespace CowPages.Snapshots;

/// <summary>Finds a process's descendants through every process's PPid, read in one pass.</summary>
public static class ProcessFamily
{
    /// <summary>
    /// The processes of <paramref name="roots"/> in their order, each followed by its descendants (children before
    /// grandchildren, by ascending PID), every PID once; an invalid PID (0 or less) stays, for the caller to report,
    /// without descendants. A process that cannot be read has no known children.
    /// </summary>
    public static List<int> WithDescendants(IProcfsSource source, IEnumerable<int> roots)
    {
        var children = new Dictionary<int, List<int>>();
        foreach ((int processId, int parentId) in source.ParentIds())
        {
            if (!children.TryGetValue(parentId, out List<int>? list))
            {
                children[parentId] = list = new List<int>();
            }
            list.Add(processId);
        }

        var result = new List<int>();
        var seen = new HashSet<int>();
        var queue = new Queue<int>();
        foreach (int root in roots)
        {
            if (!seen.Add(root))
            {
                continue;
            }
            result.Add(root);
            if (root > 0)
            {
                queue.Enqueue(root);
            }
            while (queue.Count > 0)
            {
                if (!children.TryGetValue(queue.Dequeue(), out List<int>? list))
                {
                    continue;
                }
                list.Sort();
                foreach (int child in list)
                {
                    if (seen.Add(child))
                    {
                        result.Add(child);
                        queue.Enqueue(child);
                    }
                }
            }
        }
        return result;
    }
}
