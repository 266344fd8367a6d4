using System;

namespace CowPages.Reading;

/// <summary>
/// Finds the frame of the shared 4 KiB zero page, the one frame flagged KPF_ZERO_PAGE without KPF_THP. It lives in
/// the kernel image, normally in low memory, so a scan from PFN 0 usually stops within the first window. Needs root.
/// </summary>
public static class ZeroPage
{
    private static readonly object s_lock = new();
    private static ulong? s_pfn;

    /// <summary>The zero page's PFN, or 0 when it cannot be found (no root, or no such frame). Cached for the process.</summary>
    public static ulong Pfn
    {
        get
        {
            lock (s_lock)
            {
                s_pfn ??= Locate();
                return s_pfn.Value;
            }
        }
    }

    private static ulong Locate()
    {
        FrameReader reader;
        try
        {
            reader = FrameReader.Open(FrameFields.Flags);
        }
        catch (ProcfsException)
        {
            return 0;
        }
        using (reader)
        {
            var window = new FrameInfo[FrameReader.MaxWindow];
            ulong first = 0;
            while (true)
            {
                int got = reader.ReadRange(first, window);
                for (int i = 0; i < got; i++)
                {
                    PageFlags flags = window[i].PageFlags;
                    if (flags.HasFlag(PageFlags.ZeroPage) && !flags.HasFlag(PageFlags.Thp))
                    {
                        return first + (ulong)i;
                    }
                }
                if (got < window.Length)
                {
                    return 0;
                }
                first += (ulong)got;
            }
        }
    }
}
