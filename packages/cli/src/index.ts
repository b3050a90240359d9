process.stdout.write('metadata-service: not yet implemented\n')
