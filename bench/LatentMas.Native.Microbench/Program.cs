using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(LatentMas.Native.Microbench.KernelBenchmarks).Assembly).Run(args);
