using BenchmarkDotNet.Running;

namespace CowPages.Core.Benchmarks;

/// <summary>Runs the benchmarks BenchmarkDotNet's switcher selects (--filter, --list); nothing runs without arguments but the menu.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
