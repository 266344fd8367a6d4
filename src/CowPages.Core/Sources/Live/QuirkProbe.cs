using System;
using System.Runtime.InteropServices;

namespace CowPages.Sources.Live;

/// <summary>
/// Finds the running kernel's quirks by making it show its hand on memory we control, once per process. Needs the
/// kpage* files (root); without them there is nothing the quirks could spoil.
/// </summary>
internal static class QuirkProbe
{
    internal static KernelQuirks Probe()
    {
        if (!Privilege.HasSysAdmin)
        {
            return KernelQuirks.None;
        }
        try
        {
            return KsmFlagOnAnonymousPages() ? KernelQuirks.KsmFlagOnAnonymousPages : KernelQuirks.None;
        }
        catch (ProcfsException)
        {
            return KernelQuirks.None;
        }
    }

    /// <summary>
    /// Writes a fresh private anonymous page of our own and reads its kpageflags word. KSM merges only memory that
    /// asked for it (MADV_MERGEABLE, or PR_SET_MEMORY_MERGE), and a page written a moment ago has not been scanned
    /// yet in any case: if the word says KSM, the kernel says it of every anonymous page.
    /// </summary>
    private static bool KsmFlagOnAnonymousPages()
    {
        nuint length = (nuint)PageGeometry.PageSize;
        nint page = LibC.Mmap(0, length, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        if (page == -1)
        {
            return false;
        }
        try
        {
            Marshal.WriteByte(page, 0x5a);
            using var self = new LiveProcess(Environment.ProcessId);
            Span<ulong> word = stackalloc ulong[1];
            if (self.ReadPagemap(PageGeometry.PageOf((ulong)page), word) != 1)
            {
                return false;
            }
            var entry = new Decoding.PagemapWord(word[0]);
            if (!entry.Present || entry.FrameHidden)
            {
                return false;
            }
            using LiveFrameFiles frames = LiveFrameFiles.Open(FrameFields.Flags);
            if (frames.Read(FrameFields.Flags, entry.Pfn, word) != 1)
            {
                return false;
            }
            var flags = (PageFlags)word[0];
            return (flags & PageFlags.Anon) != 0 && (flags & PageFlags.Ksm) != 0;
        }
        finally
        {
            LibC.Munmap(page, length);
        }
    }
}
