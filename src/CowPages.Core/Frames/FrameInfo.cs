namespace CowPages.Frames;

/// <summary>What the kpage* files say about one physical frame.</summary>
public struct FrameInfo
{
    /// <summary>The <c>/proc/kpageflags</c> word.</summary>
    public ulong Flags;

    /// <summary>The <c>/proc/kpagecount</c> word: how many page-table entries map the page (0 for the zero page).</summary>
    public ulong MapCount;

    /// <summary>The <c>/proc/kpagecgroup</c> word: the inode of the owning memory cgroup, 0 if none or not read.</summary>
    public ulong CgroupInode;

    /// <summary>False when the PFN lies beyond the end of <c>/proc/kpageflags</c>.</summary>
    public bool Found;

    public readonly PageFlags PageFlags => (PageFlags)Flags;
}
