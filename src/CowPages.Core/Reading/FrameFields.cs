using System;

namespace CowPages.Reading;

/// <summary>Which kpage* files a <see cref="FrameReader"/> reads; each one costs a read per window.</summary>
[Flags]
public enum FrameFields
{
    Flags = 1,
    MapCount = 2,
    Cgroup = 4,
    All = Flags | MapCount | Cgroup,
}
