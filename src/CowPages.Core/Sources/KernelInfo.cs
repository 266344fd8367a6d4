using System;

namespace CowPages.Sources;

/// <summary>Facts about the kernel a source's data came from, for results and errors that depend on its version.</summary>
public sealed class KernelInfo
{
    public KernelInfo(string release, string hostName)
    {
        Release = release;
        HostName = hostName;
        Version = ParseVersion(release);
    }

    /// <summary>The kernel release, as <c>uname -r</c> prints it (for example <c>6.12.117+deb12-amd64</c>).</summary>
    public string Release { get; }

    /// <summary>Major, minor and patch level of <see cref="Release"/>; 0.0 when it does not start with a version.</summary>
    public Version Version { get; }

    /// <summary>The host the data came from.</summary>
    public string HostName { get; }

    /// <summary>The leading <c>major.minor[.patch]</c> of a release string; anything after it (<c>-amd64</c>, <c>+deb12</c>) is ignored.</summary>
    public static Version ParseVersion(string release)
    {
        int[] parts = new int[3];
        int part = 0, i = 0;
        bool digits = false;
        for (; i < release.Length && part < 3; i++)
        {
            char c = release[i];
            if (c is >= '0' and <= '9' && parts[part] < 100_000)
            {
                parts[part] = parts[part] * 10 + (c - '0');
                digits = true;
            }
            else if (c == '.' && digits)
            {
                part++;
                digits = false;
            }
            else
            {
                break;
            }
        }
        return part == 0 && !digits ? new Version(0, 0) : new Version(parts[0], parts[1], parts[2]);
    }

    public override string ToString() => $"Linux {Release} on {HostName}";
}
