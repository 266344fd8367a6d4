using System;

namespace CowPages.Snapshots;

/// <summary>
/// The constants of the snapshot file format, version 1. <c>docs/snapshot-format.md</c> describes the layout; the
/// writer and the reader are the only code that knows it.
/// </summary>
internal static class SnapshotFormat
{
    /// <summary>"COWSNAP" and a line feed: a text-mode copy that rewrites line ends breaks the magic at once.</summary>
    public static ReadOnlySpan<byte> Magic => "COWSNAP\n"u8;

    /// <summary>The format version this code writes and the newest it reads.</summary>
    public const uint Version = 1;

    /// <summary>Magic and version, uncompressed.</summary>
    public const int HeaderLength = 12;

    /// <summary>Body length, compressed length (8 bytes each, little-endian), then the CRC-32 of all that precedes it.</summary>
    public const int TrailerLength = 20;

    /// <summary>Record tags in the body: a process follows, or the processes have ended and the frames follow.</summary>
    public const byte ProcessTag = 1;
    public const byte EndOfProcessesTag = 0;

    /// <summary>The low two bits of a pagemap token say what it is; the rest is its argument.</summary>
    public const ulong RepeatToken = 0;
    public const ulong LiteralToken = 1;
    public const ulong GapToken = 2;
    public const ulong EndToken = 3;

    /// <summary>A literal's header holds the pagemap word's bits 55-63 (every flag above the frame field).</summary>
    public const int FlagShift = 55;

    /// <summary>
    /// Bit 9 of a literal's header: PAGEMAP_SCAN reported the page as the zero page (PAGE_IS_PFNZERO), which it does
    /// without privilege. Reserved: version 1 writes 0 and readers ignore it.
    /// </summary>
    public const ulong ScanZeroBit = 1UL << 9;

    /// <summary>The largest literal header: nine flag bits and the reserved bit.</summary>
    public const ulong MaxLiteralHeader = (1UL << 10) - 1;

    /// <summary>Pages in the user half of the address space: every stored page lies below this.</summary>
    public const ulong UserPages = PageGeometry.KernelHalf >> PageGeometry.PageShift;

    /// <summary>Kernel flags (a bit set).</summary>
    public const ulong FramesVisibleFlag = 1;

    /// <summary>Frame words are kept raw when the dictionary of distinct values would grow past this.</summary>
    public const int MaxDictionary = 1 << 16;
}
