using System;

namespace CowPages.Sources;

/// <summary>Which kpage* files to read; each one costs a read per window.</summary>
[Flags]
public enum FrameFields
{
    None = 0,
    /// <summary><c>/proc/kpageflags</c>.</summary>
    Flags = 1,
    /// <summary><c>/proc/kpagecount</c>.</summary>
    MapCount = 2,
    /// <summary><c>/proc/kpagecgroup</c> (CONFIG_MEMCG).</summary>
    Cgroup = 4,
    All = Flags | MapCount | Cgroup,
}
