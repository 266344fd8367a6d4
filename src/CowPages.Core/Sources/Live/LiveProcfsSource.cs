using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace CowPages.Sources.Live;

/// <summary>
/// The running kernel's procfs. Facts that hold for the whole boot (the kernel release, the zero page's frame) are
/// found once per process on first use, not when the source is made.
/// </summary>
public sealed class LiveProcfsSource : IProcfsSource
{
    private static readonly Lazy<KernelInfo> s_kernel = new(ReadKernel);
    private static readonly Lazy<ulong> s_zeroPfn = new(LocateZeroPfn);
    private static readonly Lazy<KernelQuirks> s_quirks = new(QuirkProbe.Probe);

    private LiveProcfsSource()
    {
    }

    /// <summary>The live source. It holds no files itself: each process and frame source it opens owns its own.</summary>
    /// <exception cref="ProcfsException">The kernel's pages are not 4 KiB, which CowPages does not read.</exception>
    public static LiveProcfsSource Open()
    {
        if (Environment.SystemPageSize != (int)PageGeometry.PageSize)
        {
            throw new ProcfsException(ProcfsErrorKind.InvalidArgument, "/proc/self/pagemap", null, null,
                $"this kernel uses {Environment.SystemPageSize}-byte pages; CowPages reads kernels with {PageGeometry.PageSize}-byte pages only.");
        }
        return new LiveProcfsSource();
    }

    public string Name => "/proc";

    public KernelInfo Kernel => s_kernel.Value;

    public bool FramesVisible => Privilege.HasSysAdmin;

    public ulong ZeroPfn => FramesVisible ? s_zeroPfn.Value : 0;

    public KernelQuirks Quirks => s_quirks.Value;

    public IReadOnlyList<int> ProcessIds()
    {
        var pids = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                pids.Add(pid);
            }
        }
        pids.Sort();
        return pids;
    }

    public IProcessSource OpenProcess(int processId) => new LiveProcess(processId);

    public IReadOnlyList<int> ChildrenOf(int processId) => ChildProcessFinder.Find(processId);

    public IReadOnlyDictionary<int, int> ParentIds() => ChildProcessFinder.ParentIds();

    public unsafe TimeSpan ReadUptime()
    {
        LibC.TimeSpec now;
        if (LibC.ClockGetTime(LibC.CLOCK_BOOTTIME, &now) != 0)
        {
            // Only an unknown clock id fails, and CLOCK_BOOTTIME is as old as Linux 2.6.39.
            throw Errno.ToException(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), "read the clock", "CLOCK_BOOTTIME", null);
        }
        return TimeSpan.FromTicks(now.Seconds * TimeSpan.TicksPerSecond + now.Nanoseconds / 100);
    }

    public IFrameSource OpenFrames(FrameFields fields) => LiveFrameFiles.Open(fields);

    public void Dispose()
    {
    }

    private static KernelInfo ReadKernel() =>
        new(ReadLine("/proc/sys/kernel/osrelease"), ReadLine("/proc/sys/kernel/hostname"));

    private static string ReadLine(string path)
    {
        try
        {
            return Encoding.UTF8.GetString(ProcfsFile.ReadAll(path)).Trim();
        }
        catch (ProcfsException)
        {
            return "unknown";
        }
    }

    private static ulong LocateZeroPfn()
    {
        try
        {
            using LiveFrameFiles files = LiveFrameFiles.Open(FrameFields.Flags);
            return ZeroPageLocator.Find(files);
        }
        catch (ProcfsException)
        {
            return 0;
        }
    }
}
