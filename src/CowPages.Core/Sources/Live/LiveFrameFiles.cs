using System;
using System.Runtime.InteropServices;

namespace CowPages.Sources.Live;

/// <summary>
/// The live kpage* files. They are root-only (mode 0400); their layout is <c>fs/proc/page.c</c>: one native-endian
/// word per PFN, at offset PFN * 8, and reads past the end of physical memory return nothing.
/// </summary>
internal sealed class LiveFrameFiles : IFrameSource
{
    internal const string FlagsPath = "/proc/kpageflags";
    internal const string CountPath = "/proc/kpagecount";
    internal const string CgroupPath = "/proc/kpagecgroup";

    private readonly ProcfsFile? _flags;
    private readonly ProcfsFile? _counts;
    private readonly ProcfsFile? _cgroups;

    private LiveFrameFiles(ProcfsFile? flags, ProcfsFile? counts, ProcfsFile? cgroups)
    {
        _flags = flags;
        _counts = counts;
        _cgroups = cgroups;
        Fields = (flags is null ? 0 : FrameFields.Flags) | (counts is null ? 0 : FrameFields.MapCount)
            | (cgroups is null ? 0 : FrameFields.Cgroup);
    }

    public FrameFields Fields { get; }

    /// <summary>
    /// Opens the files named by <paramref name="fields"/>; kpageflags is always opened, since it decides which PFNs
    /// exist. A missing kpagecgroup (no CONFIG_MEMCG) is tolerated.
    /// </summary>
    /// <exception cref="ProcfsException">Not root (AccessDenied), or a required file is missing.</exception>
    internal static LiveFrameFiles Open(FrameFields fields)
    {
        ProcfsFile? flags = null, counts = null, cgroups = null;
        try
        {
            flags = ProcfsFile.Open(FlagsPath);
            if (fields.HasFlag(FrameFields.MapCount))
            {
                counts = ProcfsFile.Open(CountPath);
            }
            if (fields.HasFlag(FrameFields.Cgroup))
            {
                try
                {
                    cgroups = ProcfsFile.Open(CgroupPath);
                }
                catch (ProcfsException e) when (e.Kind == ProcfsErrorKind.NotFound)
                {
                    cgroups = null;
                }
            }
            return new LiveFrameFiles(flags, counts, cgroups);
        }
        catch
        {
            flags?.Dispose();
            counts?.Dispose();
            cgroups?.Dispose();
            throw;
        }
    }

    public string PathOf(FrameFields field) => field switch
    {
        FrameFields.MapCount => CountPath,
        FrameFields.Cgroup => CgroupPath,
        _ => FlagsPath,
    };

    public int Read(FrameFields field, ulong firstPfn, Span<ulong> words)
    {
        ProcfsFile? file = field switch
        {
            FrameFields.Flags => _flags,
            FrameFields.MapCount => _counts,
            FrameFields.Cgroup => _cgroups,
            _ => null,
        };
        if (file is null || words.IsEmpty || firstPfn > long.MaxValue / sizeof(ulong))
        {
            return 0;
        }
        return file.ReadAt((long)(firstPfn * sizeof(ulong)), MemoryMarshal.AsBytes(words)) / sizeof(ulong);
    }

    public void Dispose()
    {
        _flags?.Dispose();
        _counts?.Dispose();
        _cgroups?.Dispose();
    }
}
