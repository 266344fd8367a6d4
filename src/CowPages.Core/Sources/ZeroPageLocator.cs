namespace CowPages.Sources;

/// <summary>
/// Finds the frame of the shared 4 KiB zero page: the one frame flagged KPF_ZERO_PAGE without KPF_THP. It lives in
/// the kernel image, normally in low memory, so a scan from PFN 0 usually stops within the first window.
/// </summary>
public static class ZeroPageLocator
{
    /// <summary>Frames read per call: 512 KiB of kpageflags.</summary>
    private const int Window = 65536;

    /// <summary>The zero page's PFN in <paramref name="frames"/>, or 0 when no frame is flagged so.</summary>
    public static ulong Find(IFrameSource frames)
    {
        var window = new ulong[Window];
        ulong first = 0;
        while (true)
        {
            int got = frames.Read(FrameFields.Flags, first, window);
            for (int i = 0; i < got; i++)
            {
                var flags = (PageFlags)window[i];
                if ((flags & PageFlags.ZeroPage) != 0 && (flags & PageFlags.Thp) == 0)
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
